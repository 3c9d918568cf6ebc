import type Koa from "koa";
import type { Logger } from "../logging/logger.js";
import type { RequestState } from "./app.js";
import { authenticate, type AuthenticatedUser, type TokenLookup } from "./auth.js";
import { chain } from "./chain.js";
import type { Router, RouteOptions } from "./router.js";

/** The names in a path template's braces: `/rooms/{roomId}/state/{type}` gives `"roomId" | "type"`. */
export type PathParams<Template extends string> = Template extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParams<Rest>
  : never;

/**
 * Who may call a route: anyone (`public`), a signed-in user who is not a guest (`user`), or
 * any signed-in user, guests included (`guest`: the spec's guest access module lists where
 * guests may go).
 */
export type Access = "public" | "user" | "guest";

/** What a handler is given: the path's parameters by name, the parsed body, and the requester. */
export interface RouteRequest<Template extends string, A extends Access> {
  readonly ctx: Koa.Context;
  /** Every parameter of the template; the router matched them all, so none is missing. */
  readonly params: Readonly<Record<PathParams<Template>, string>>;
  /** The parsed JSON object body of POST/PUT/DELETE requests ({} when empty). */
  readonly body: Record<string, unknown>;
  readonly log: Logger;
  readonly user: A extends "public" ? undefined : AuthenticatedUser;
}

export type RouteHandler<Template extends string, A extends Access> = (request: RouteRequest<Template, A>) => Promise<void> | void;

export interface RouteSpec<A extends Access> {
  readonly access: A;
  /** Middleware run after authentication and before the handler (rate limits find the user). */
  readonly middleware?: readonly Koa.Middleware[];
  readonly options?: RouteOptions;
}

export interface RouteGroupOptions {
  readonly lookupToken: TokenLookup;
  /** Middleware around every route of the group, outermost first (error translation). */
  readonly around?: readonly Koa.Middleware[];
}

/**
 * A component's routes, registered with their access rule so handlers get a typed request:
 * `routes.get("/rooms/{roomId}/members", { access: "guest" }, ({ user, params }) => ...)`
 * hands the handler `user` (never undefined) and `params.roomId` (a string) without casts.
 */
export class TypedRoutes {
  private readonly authenticators: Record<Exclude<Access, "public">, Koa.Middleware>;

  constructor(
    readonly router: Router,
    private readonly group: RouteGroupOptions,
  ) {
    this.authenticators = {
      user: authenticate(group.lookupToken),
      guest: authenticate(group.lookupToken, { allowGuests: true }),
    };
  }

  get<T extends string, A extends Access>(template: T, spec: RouteSpec<A>, handler: RouteHandler<T, A>): this {
    return this.add("GET", template, spec, handler);
  }
  post<T extends string, A extends Access>(template: T, spec: RouteSpec<A>, handler: RouteHandler<T, A>): this {
    return this.add("POST", template, spec, handler);
  }
  put<T extends string, A extends Access>(template: T, spec: RouteSpec<A>, handler: RouteHandler<T, A>): this {
    return this.add("PUT", template, spec, handler);
  }
  delete<T extends string, A extends Access>(template: T, spec: RouteSpec<A>, handler: RouteHandler<T, A>): this {
    return this.add("DELETE", template, spec, handler);
  }

  add<T extends string, A extends Access>(method: string, template: T, spec: RouteSpec<A>, handler: RouteHandler<T, A>): this {
    const auth = spec.access === "public" ? [] : [this.authenticators[spec.access as Exclude<Access, "public">]];
    const middleware = [...(this.group.around ?? []), ...auth, ...(spec.middleware ?? [])];
    this.router.add(
      method,
      template,
      chain(middleware, (ctx) => handler(requestOf<T, A>(ctx))),
      spec.options,
    );
    return this;
  }
}

/** The one place that reads koa's untyped `ctx.state` for a handler. */
function requestOf<T extends string, A extends Access>(ctx: Koa.Context): RouteRequest<T, A> {
  const state = ctx.state as RequestState;
  return {
    ctx,
    params: state.params as Record<PathParams<T>, string>,
    body: state.body,
    log: state.log,
    user: state.user as RouteRequest<T, A>["user"],
  };
}
