import type Koa from "koa";
import type { Handler } from "./router.js";

/**
 * A route handler behind koa middleware (authentication, rate limits), run in order: the
 * concerns that cut across routes stay out of the handlers.
 */
export function chain(middleware: readonly Koa.Middleware[], handler: Handler): Handler {
  return (ctx: Koa.Context) => {
    const run = (i: number): Promise<void> =>
      i === middleware.length ? Promise.resolve(handler(ctx)) : Promise.resolve(middleware[i]!(ctx, () => run(i + 1)));
    return run(0);
  };
}
