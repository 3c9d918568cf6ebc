import type Koa from "koa";
import { renderMetrics } from "../metrics/registry.js";
import { Router } from "./router.js";

/**
 * `GET <path>`: the process's metrics in Prometheus' text format. No access token: a
 * scraper has none. Who may reach it is decided by where it is served (metrics.listen,
 * components.<name>.metrics_listen) or by the reverse proxy in front (README, Metrics).
 */
export function metricsRouter(path: string): Router {
  return new Router().get(path, async (ctx: Koa.Context) => {
    const { contentType, body } = await renderMetrics();
    ctx.set("Content-Type", contentType);
    ctx.body = body;
  });
}
