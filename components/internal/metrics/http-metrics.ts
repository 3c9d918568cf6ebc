import { Counter, Histogram } from "prom-client";
import { metricsRegistry } from "./registry.js";

/** The route label of a request that matched no route: raw paths would make unbounded series. */
export const UNMATCHED_ROUTE = "unmatched";

const labelNames = ["method", "route", "status"] as const;

const requests = new Counter({
  name: "dendrite_http_requests_total",
  help: "HTTP requests answered, by method, route template and status code",
  labelNames,
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: "dendrite_http_request_duration_seconds",
  help: "Time from a request's arrival to its answer, by method, route template and status code",
  labelNames,
  // From a cached read (~1 ms) to a long-polling /sync (30 s and more).
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

/** Methods named as they are; anything else a client invents is "other", to keep series bounded. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** Records one answered request; `route` is the path template (`/rooms/{roomId}/...`), never the raw path. */
export function observeHttpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
  const labels = { method: KNOWN_METHODS.has(method) ? method : "other", route: route ?? UNMATCHED_ROUTE, status: String(status) };
  requests.inc(labels);
  duration.observe(labels, seconds);
}
