import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import type { PathParams } from "../../internal/http/typed-routes.js";
import type { Router, RouteOptions } from "../../internal/http/router.js";
import type { Logger } from "../../internal/logging/logger.js";
import type { JsonValue } from "../../protocol/index.js";
import type { XMatrixAuthenticator } from "../requests/inbound-auth.js";

/** What a federation handler is given: the path's parameters, the body, and the authenticated origin server. */
export interface FederationRequest<Template extends string> {
  readonly ctx: Koa.Context;
  readonly params: Readonly<Record<PathParams<Template>, string>>;
  readonly body: Record<string, unknown>;
  readonly log: Logger;
  /** The server that signed the request (X-Matrix origin, verified). */
  readonly origin: string;
}

export type FederationHandler<Template extends string> = (request: FederationRequest<Template>) => Promise<void> | void;

/**
 * The federation counterpart of TypedRoutes: every route registered here is authenticated
 * with X-Matrix before its handler runs (the unauthenticated ones, version and keys, use
 * TypedRoutes with access "public").
 */
export class FederationRoutes {
  constructor(
    readonly router: Router,
    private readonly authenticator: XMatrixAuthenticator,
  ) {}

  get<T extends string>(template: T, handler: FederationHandler<T>, options?: RouteOptions): this {
    return this.add("GET", template, handler, options);
  }
  put<T extends string>(template: T, handler: FederationHandler<T>, options?: RouteOptions): this {
    return this.add("PUT", template, handler, options);
  }
  post<T extends string>(template: T, handler: FederationHandler<T>, options?: RouteOptions): this {
    return this.add("POST", template, handler, options);
  }

  add<T extends string>(method: string, template: T, handler: FederationHandler<T>, options?: RouteOptions): this {
    this.router.add(
      method,
      template,
      async (ctx) => {
        const state = ctx.state as RequestState;
        const origin = await this.authenticator.authenticate({
          method: ctx.method,
          // Node's req.url is the request target exactly as received, which is what the origin signed.
          uri: ctx.req.url ?? ctx.originalUrl,
          authorization: ctx.req.headersDistinct.authorization ?? [],
          content: hasBody(ctx) ? (state.body as JsonValue) : undefined,
        });
        await handler({ ctx, params: state.params as Record<PathParams<T>, string>, body: state.body, log: state.log, origin });
      },
      options,
    );
    return this;
  }
}

/** Did the request carry a body? The signed JSON has `content` only then (an empty body is parsed as {}). */
function hasBody(ctx: Koa.Context): boolean {
  const length = ctx.get("content-length");
  return (length !== "" && length !== "0") || ctx.get("transfer-encoding") !== "";
}
