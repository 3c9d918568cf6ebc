import { Counter, Gauge } from "prom-client";
import { metricsRegistry } from "./registry.js";

const labelNames = ["stream", "durable"] as const;

/** What a running consumer reports its lag with: messages of its stream not yet acknowledged. */
export type LagProbe = () => number | Promise<number>;

/** Running consumers by "stream\0durable"; a set, since a test may run two logs in one process. */
const probes = new Map<string, Set<LagProbe>>();

new Gauge({
  name: "dendrite_eventlog_consumer_lag",
  help: "Messages of the stream a durable consumer has not acknowledged yet (delivered or not), read at scrape time",
  labelNames,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const [key, set] of probes) {
      const [stream, durable] = key.split("\0") as [string, string];
      let lag = 0;
      for (const probe of set) {
        // A probe that cannot answer (NATS unreachable) leaves its series out of this scrape.
        try {
          lag += await probe();
        } catch {
          continue;
        }
      }
      this.set({ stream, durable }, lag);
    }
  },
});

/** Reports a running consumer's lag until the returned function is called (at its stop). */
export function watchConsumerLag(stream: string, durable: string, probe: LagProbe): () => void {
  const key = `${stream}\0${durable}`;
  let set = probes.get(key);
  if (!set) probes.set(key, (set = new Set()));
  set.add(probe);
  return () => {
    set.delete(probe);
    if (set.size === 0) probes.delete(key);
  };
}

const redeliveries = new Counter({
  name: "dendrite_eventlog_redeliveries_total",
  help: "Messages the log delivered to a durable consumer again (not acknowledged before a restart or ack timeout)",
  labelNames,
  registers: [metricsRegistry],
});

const delivered = new Counter({
  name: "dendrite_eventlog_delivered_total",
  help: "Messages the log delivered to a durable consumer, redeliveries included",
  labelNames,
  registers: [metricsRegistry],
});

/** Counts one delivery to a durable consumer (labels without the deployment's stream prefix). */
export function countDelivery(stream: string, durable: string, redelivered: boolean): void {
  delivered.inc({ stream, durable });
  if (redelivered) redeliveries.inc({ stream, durable });
}

const deadLetters = new Counter({
  name: "dendrite_eventlog_dead_letters_total",
  help: "Messages a durable consumer gave up on and set aside as dead letters",
  labelNames,
  registers: [metricsRegistry],
});

/** Counts a message a consumer dead-lettered (for the dead-letter plumbing to call). */
export function countDeadLetter(stream: string, durable: string): void {
  deadLetters.inc({ stream, durable });
}
