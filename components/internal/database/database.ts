/** A row as both drivers return it: int8 as a JS number, bytea as a Uint8Array, jsonb parsed. */
export type Row = Record<string, unknown>;

/** What a transaction and a database both offer: queries in PostgreSQL's one SQL dialect. */
export interface Queryable {
  /** Runs one statement with $1.. parameters and returns its rows. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs one statement and returns how many rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** One interface over PostgreSQL (`pg` pool) and PGlite (embedded). */
export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
