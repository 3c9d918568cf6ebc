import { randomBytes } from "node:crypto";
import Koa from "koa";
import type { Logger } from "../logging/logger.js";
import { observeHttpRequest } from "../metrics/http-metrics.js";
import { accessTokenOf } from "./access-token.js";
import type { AuthenticatedUser } from "./auth.js";
import type { TrustedProxies } from "./client-address.js";
import { cors } from "./cors.js";
import { readJsonObject, RequestAborted } from "./json-body.js";
import { MatrixError } from "./matrix-error.js";
import { checkQueryText } from "./request-text.js";
import type { Router } from "./router.js";

/** What the middleware puts on `ctx.state` for handlers. */
export interface RequestState {
  requestId: string;
  log: Logger;
  params: Record<string, string>;
  /**
   * The parsed JSON object body of POST/PUT/DELETE requests ({} when empty), within the JSON
   * limits (protocol/json/limits.ts): U+0000 only in event content bodies.
   */
  body: Record<string, unknown>;
  accessToken: string | null;
  /** The requester, once a route has authenticated the request (auth.ts). */
  user?: AuthenticatedUser;
  /** The matched route's path template (unset when no route matched), the metrics' route label. */
  route?: string;
}

export interface HttpAppOptions {
  logger: Logger;
  router: Router;
  maxJsonBodyBytes: number;
  /** Whose X-Forwarded-For says who the client is (`http.trusted_proxies`). */
  trustedProxies: TrustedProxies;
}

const BODY_METHODS = new Set(["POST", "PUT", "DELETE", "PATCH"]);

/**
 * Request IDs: a random prefix per process and a counter, unique across a deployment's
 * processes and restarts without asking the system for random bytes on every request.
 */
const REQUEST_ID_PREFIX = randomBytes(6).toString("hex");
let requestCounter = 0;
const nextRequestId = () => `${REQUEST_ID_PREFIX}-${(++requestCounter).toString(36)}`;

/**
 * The koa application every HTTP-serving component uses. Order matters: the client's
 * address, request id and logger come first so every later line carries them; CORS before
 * anything can fail; JSON labelled with the bare media type; errors rendered as Matrix
 * errors; routing before the body is read, so an unknown path is a 404 whatever its body.
 */
export function createHttpApp({ logger, router, maxJsonBodyBytes, trustedProxies }: HttpAppOptions): Koa {
  const app = new Koa();
  // koa's own proxy mode believes X-Forwarded-For from anyone; TrustedProxies decides instead.
  app.proxy = false;
  app.silent = true;

  app.use(async (ctx, next) => {
    ctx.request.ip = trustedProxies.clientAddress(ctx.req.socket.remoteAddress ?? "", ctx.req.headers["x-forwarded-for"]);
    const state = ctx.state as RequestState;
    state.requestId = nextRequestId();
    state.log = logger.child({ request_id: state.requestId });
    ctx.set("X-Request-Id", state.requestId);
    const started = performance.now();
    let aborted: RequestAborted | null = null;
    try {
      await next();
    } catch (err) {
      // The error middleware below renders every other error; this one has nobody to hear it.
      if (!(err instanceof RequestAborted)) throw err;
      aborted = err;
      ctx.status = 408;
    } finally {
      const elapsed = performance.now() - started;
      observeHttpRequest(ctx.method, state.route, ctx.status, elapsed / 1000);
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(elapsed * 10) / 10 };
      // The one line an aborted request leaves: no stack, since nothing went wrong here.
      if (aborted) state.log.warn({ ...line, client: ctx.ip, reason: aborted.message }, "request aborted");
      else state.log.info(line, "request");
    }
  });
  app.use(cors);
  app.use(async (ctx, next) => {
    await next();
    // koa labels JSON "application/json; charset=utf-8"; clients and tools that compare the
    // media type exactly expect the bare type, as Synapse and Dendrite send it (JSON is UTF-8
    // by definition, RFC 8259). After the error renderer, so errors and 404s say it too.
    if (ctx.response.type === "application/json") ctx.set("Content-Type", "application/json");
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof RequestAborted) throw err;
      renderError(ctx, err);
    }
  });
  app.use(async (ctx) => {
    const state = ctx.state as RequestState;
    const route = router.match(ctx.method, ctx.path);
    state.params = route.params;
    state.route = route.template;
    checkQueryText(ctx.query);
    state.accessToken = accessTokenOf(ctx);
    state.body = {};
    if (BODY_METHODS.has(ctx.method) && !route.options.rawBody) {
      const nul = route.options.eventContentBody ? "allowed" : "refused";
      state.body = await readJsonObject(ctx.req, maxJsonBodyBytes, { nul });
    }
    await route.handler(ctx);
  });
  return app;
}

function renderError(ctx: Koa.Context, err: unknown): void {
  const state = ctx.state as RequestState;
  if (err instanceof MatrixError) {
    ctx.status = err.status;
    ctx.body = err.toJSON();
    if (err.status === 429 && typeof err.extra.retry_after_ms === "number") {
      ctx.set("Retry-After", String(Math.ceil(err.extra.retry_after_ms / 1000)));
    }
    return;
  }
  state.log.error({ err }, "unhandled error in request");
  ctx.status = 500;
  ctx.body = { errcode: "M_UNKNOWN", error: "Internal server error" };
}
