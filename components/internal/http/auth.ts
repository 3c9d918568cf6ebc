import type Koa from "koa";
import type { RequestState } from "./app.js";
import { forbidden, MatrixError, missingToken } from "./matrix-error.js";

/** The owner of a valid access token, as the userapi reports it. */
export interface AuthenticatedUser {
  readonly userId: string;
  readonly deviceId: string;
  readonly isGuest: boolean;
}

/**
 * Resolves an access token to its owner, or null when the token is unknown. Components pass
 * their userapi's lookup; this module knows nothing of the userapi beyond this function.
 */
export type TokenLookup = (accessToken: string) => Promise<AuthenticatedUser | null>;

export interface RequireUserOptions {
  /** Guests may use only the endpoints the spec's guest access module lists. */
  allowGuests?: boolean;
}

export const unknownToken = () => new MatrixError(401, "M_UNKNOWN_TOKEN", "Unknown or expired access token", { soft_logout: false });

/**
 * The user a request acts for: 401 M_MISSING_TOKEN without a token, 401 M_UNKNOWN_TOKEN for
 * a token nobody holds, 403 M_GUEST_ACCESS_FORBIDDEN for a guest where guests may not go.
 * The result is kept on `ctx.state.user`, where the rate limiter finds it.
 */
export async function requireUser(ctx: Koa.Context, lookup: TokenLookup, options: RequireUserOptions = {}): Promise<AuthenticatedUser> {
  const state = ctx.state as RequestState;
  let user = state.user;
  if (!user) {
    if (state.accessToken === null) throw missingToken();
    const found = await lookup(state.accessToken);
    if (!found) throw unknownToken();
    user = state.user = found;
  }
  if (user.isGuest && !options.allowGuests) {
    throw new MatrixError(403, "M_GUEST_ACCESS_FORBIDDEN", "Guest accounts cannot use this endpoint");
  }
  return user;
}

/** requireUser as middleware, for routes that chain it before a rate limit (see chain.ts). */
export function authenticate(lookup: TokenLookup, options: RequireUserOptions = {}): Koa.Middleware {
  return async (ctx, next) => {
    await requireUser(ctx, lookup, options);
    await next();
  };
}

/** 403 unless the path's user is the requester: users may only touch their own data. */
export function requireSelf(user: AuthenticatedUser, pathUserId: string, what: string): void {
  if (user.userId !== pathUserId) throw forbidden(`Cannot ${what} for another user`);
}
