import type Koa from "koa";

/**
 * CORS headers on every response (errors and 404s too), and a 204 answer to every
 * preflight, as the client-server spec asks ("Web Browser Clients").
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization, Date",
  "Access-Control-Expose-Headers": "X-Request-Id",
};

export async function cors(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  ctx.set(CORS_HEADERS);
  if (ctx.method === "OPTIONS") {
    ctx.status = 204;
    return;
  }
  await next();
}
