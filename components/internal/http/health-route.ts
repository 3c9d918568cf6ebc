import type Koa from "koa";
import { Router } from "./router.js";

/** A check that resolves when its dependency (database, event log) is usable. */
export type HealthCheck = () => Promise<void>;

/** `GET /health`: 200 when every check passes, 503 naming the first that failed. */
export function healthRouter(checks: Record<string, HealthCheck>): Router {
  return new Router().get("/health", async (ctx: Koa.Context) => {
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
      } catch (err) {
        ctx.status = 503;
        ctx.body = { status: "unhealthy", failed: name, error: (err as Error).message };
        return;
      }
    }
    ctx.body = { status: "ok" };
  });
}
