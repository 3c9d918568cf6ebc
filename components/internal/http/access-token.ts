import type Koa from "koa";
import { missingToken } from "./matrix-error.js";

/**
 * The access token of a request: `Authorization: Bearer <token>` or, for clients that
 * cannot set headers, `?access_token=<token>`. Null when neither is given. Whether the
 * token is valid is for userapi to say.
 */
export function accessTokenOf(ctx: Koa.Context): string | null {
  const header = ctx.get("Authorization");
  // Server-server requests authenticate with X-Matrix, checked by the federation routes; they carry no access token.
  if (/^x-matrix[ \t]/i.test(header)) return null;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw missingToken("Authorization header is not of the form 'Bearer <token>'");
    return m[1]!;
  }
  const query = ctx.query.access_token;
  if (typeof query === "string" && query.length > 0) return query;
  return null;
}

export function requireAccessToken(ctx: Koa.Context): string {
  const token = accessTokenOf(ctx);
  if (token === null) throw missingToken();
  return token;
}
