import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * The process's one metrics registry: every metric of dendrite-ts registers here, and
 * `/metrics` renders it. A registry of our own rather than prom-client's global one, so a
 * library that registers metrics globally cannot clash with ours or leak into the output.
 */
export const metricsRegistry = new Registry();

let defaultsCollected = false;

/**
 * Adds Node's process metrics (resident memory, heap, CPU, open handles, event-loop delay
 * from perf_hooks' monitor) once per process; a second call (a test starting two servers in
 * one process) adds nothing.
 */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The exposition text and its Content-Type, for whoever serves the scrape. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
