import { createHash } from "node:crypto";
import pg from "pg";
import { watchPool } from "../metrics/database-metrics.js";
import { advisoryLockCall, type Database, type LazyTransaction, type Queryable, type Row, type TransactionOptions } from "./database.js";

const INT8_OID = 20;

/**
 * int8 values come back as JS numbers, as PGlite returns them. Everything we store as
 * int8 (stream positions, timestamps in ms, depths) stays below 2^53; anything larger is
 * a bug we want to hear about rather than silently round.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is outside the safe integer range`);
  return n;
}

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return parseInt8;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * Statements are prepared once per connection and then only executed: PostgreSQL parses
 * and analyses an unnamed statement on every run, which for our CTEs costs more than
 * running them (see the pool's plan_cache_mode for the planning). Only
 * statements of a fixed shape: those with many parameters are the multi-row inserts whose
 * text changes with the row count, and a cap keeps any other unforeseen variety bounded.
 */
const PREPARE_MAX_PARAMS = 32;
const PREPARE_MAX_STATEMENTS = 512;
const statementNames = new Map<string, string>();

function statementName(sql: string, params: readonly unknown[] | undefined): string | undefined {
  if ((params?.length ?? 0) > PREPARE_MAX_PARAMS) return undefined;
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < PREPARE_MAX_STATEMENTS) {
    name = `dts_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  const run = (sql: string, params?: readonly unknown[]) =>
    client.query({ text: sql, values: params as unknown[], types: typeParsers, name: statementName(sql, params) });
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      return (await run(sql, params)).rows as R[];
    },
    async execute(sql: string, params?: readonly unknown[]) {
      return (await run(sql, params)).rowCount ?? 0;
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

/** A SELECT that neither locks rows nor takes an advisory lock: safe outside a transaction. */
function isPlainRead(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !/\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|pg_advisory/i.test(sql);
}

export class PostgresDatabase implements Database {
  readonly kind = "postgres";
  private readonly pool: pg.Pool;
  private readonly direct: Queryable;
  private readonly unwatchPool: () => void;

  constructor(url: string, maxConnections: number) {
    // Prepared statements keep their parse but are planned for their parameters each time:
    // a generic plan cannot see how many IDs an `= ANY($1)` holds and may scan a table.
    this.pool = new pg.Pool({ connectionString: url, max: maxConnections, options: "-c plan_cache_mode=force_custom_plan" });
    // An idle client that loses its connection must not crash the process.
    this.pool.on("error", () => {});
    this.direct = wrap(this.pool);
    const pool = this.pool;
    this.unwatchPool = watchPool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  }

  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.direct.query<R>(sql, params);
  }
  execute(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.direct.execute(sql, params);
  }
  exec(script: string): Promise<void> {
    return this.direct.exec(script);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    try {
      // Without parameters, so one simple query can carry both statements.
      await client.query(options.advisoryLock ? `BEGIN; SELECT ${advisoryLockCall(options.advisoryLock)}` : "BEGIN");
      const result = await work(wrap(client));
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async lazyTransaction<T>(work: (tx: LazyTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const plain = wrap(client);
    let begun = false;
    const begin = async (sql: string) => {
      if (begun || isPlainRead(sql)) return;
      begun = true;
      await client.query("BEGIN");
    };
    const tx: LazyTransaction = {
      query: async (sql, params) => (await begin(sql), plain.query(sql, params)),
      execute: async (sql, params) => (await begin(sql), plain.execute(sql, params)),
      exec: async (script) => (await begin(script), plain.exec(script)),
      last: (sql, params) => plain.query(sql, params),
    };
    try {
      const result = await work(tx);
      if (begun) await client.query("COMMIT");
      return result;
    } catch (err) {
      if (begun) await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    this.unwatchPool();
    await this.pool.end();
  }
}
