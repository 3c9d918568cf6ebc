import pg from "pg";
import type { Database, Queryable, Row } from "./database.js";

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

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const result = await client.query({ text: sql, values: params as unknown[], types: typeParsers });
      return result.rows as R[];
    },
    async execute(sql: string, params?: readonly unknown[]) {
      const result = await client.query({ text: sql, values: params as unknown[], types: typeParsers });
      return result.rowCount ?? 0;
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

export class PostgresDatabase implements Database {
  readonly kind = "postgres";
  private readonly pool: pg.Pool;
  private readonly direct: Queryable;

  constructor(url: string, maxConnections: number) {
    this.pool = new pg.Pool({ connectionString: url, max: maxConnections });
    // An idle client that loses its connection must not crash the process.
    this.pool.on("error", () => {});
    this.direct = wrap(this.pool);
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

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
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

  async close(): Promise<void> {
    await this.pool.end();
  }
}
