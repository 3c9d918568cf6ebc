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

/** A statement with its $1.. parameters, to be run later (with others, in one transaction). */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** A transaction that begins at its first write (Database.lazyTransaction). */
export interface LazyTransaction extends Queryable {
  /**
   * Runs the transaction's last statement: on its own when nothing was written before it
   * (one statement is atomic by itself), so a transaction whose only write is this costs
   * one round trip instead of three (BEGIN, statement, COMMIT). Nothing may follow it.
   */
  last<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface TransactionOptions {
  /**
   * Takes PostgreSQL's transaction-scoped advisory lock on this key (letters, digits and
   * underscores) before the work starts, in the same round trip as BEGIN.
   */
  advisoryLock?: string;
}

/** One interface over PostgreSQL (`pg` pool) and PGlite (embedded). */
export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * As transaction, but BEGIN goes out only before the first statement that writes or
   * locks (anything but a plain SELECT): the reads before it run on the same connection
   * outside the transaction, where READ COMMITTED sees just what it would see inside. For
   * work whose reads need no lock and whose writes can wait for its end.
   */
  lazyTransaction<T>(work: (tx: LazyTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The SQL call that takes PostgreSQL's transaction-scoped advisory lock on `key`, which is
 * checked (letters, digits and underscores) before it goes into SQL text.
 */
export function advisoryLockCall(key: string): string {
  if (!/^\w+$/.test(key)) throw new Error(`advisory lock key ${JSON.stringify(key)} must be letters, digits and underscores`);
  return `pg_advisory_xact_lock(hashtext('${key}'))`;
}
