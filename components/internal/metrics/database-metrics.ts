import { Gauge, Histogram } from "prom-client";
import { metricsRegistry } from "./registry.js";

/** A connection pool's use, as `pg.Pool` counts it. */
export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

const pools = new Set<() => PoolUse>();

function poolGauge(name: string, help: string, pick: (use: PoolUse) => number): void {
  new Gauge({
    name,
    help,
    registers: [metricsRegistry],
    collect() {
      let sum = 0;
      for (const use of pools) sum += pick(use());
      this.set(sum);
    },
  });
}

poolGauge("dendrite_db_pool_connections", "PostgreSQL connections the pool holds (in use and idle)", (u) => u.total);
poolGauge("dendrite_db_pool_idle_connections", "PostgreSQL connections idle in the pool", (u) => u.idle);
poolGauge("dendrite_db_pool_waiting_clients", "Queries and transactions waiting for a pool connection", (u) => u.waiting);

/** Reports a pool's use at every scrape until the returned function is called (at close). */
export function watchPool(use: () => PoolUse): () => void {
  pools.add(use);
  return () => pools.delete(use);
}

const queryDuration = new Histogram({
  name: "dendrite_db_query_duration_seconds",
  help: "Time a statement took, waiting for a connection included, by driver (postgres, pglite) and operation (query, execute, exec)",
  labelNames: ["driver", "operation"] as const,
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

const transactionDuration = new Histogram({
  name: "dendrite_db_transaction_duration_seconds",
  help: "Time a transaction took from BEGIN to COMMIT or ROLLBACK, by driver and outcome",
  labelNames: ["driver", "outcome"] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/** Times a promise of a statement; resolves or rejects as it does. */
export async function timeQuery<T>(driver: string, operation: string, work: Promise<T>): Promise<T> {
  const end = queryDuration.startTimer({ driver, operation });
  try {
    return await work;
  } finally {
    end();
  }
}

/** Times a transaction, labelled by whether it committed. */
export async function timeTransaction<T>(driver: string, work: () => Promise<T>): Promise<T> {
  const end = transactionDuration.startTimer({ driver });
  try {
    const result = await work();
    end({ outcome: "commit" });
    return result;
  } catch (err) {
    end({ outcome: "rollback" });
    throw err;
  }
}
