import { combineStatements } from "../../internal/database/combined-statement.js";
import type { Database, LazyTransaction, Queryable, Row, Statement } from "../../internal/database/database.js";
import { BatchContext } from "./batch-context.js";

/**
 * A transaction plus what to do once it has committed. Caches of database rows (numeric
 * IDs, snapshots) are filled only through afterCommit, so a rolled-back transaction never
 * leaves an ID in memory that the database does not hold.
 */
export interface UnitOfWork {
  /** Reads run outside the transaction until something writes (Database.lazyTransaction). */
  readonly q: Queryable;
  afterCommit(fn: () => void): void;
  /** Runs once the transaction is over, committed or not. */
  finally(fn: () => void): void;
  /** What the transaction learned and changed so far, for its later work (BatchContext). */
  readonly batch: BatchContext;
  /**
   * A write made once, just before the commit, however often it is registered under `key`:
   * writes that several inputs of a batch would each repeat (the events, the rooms' rows,
   * the outbox) are made once, with their final values. `build` runs after the work; the
   * writes of a transaction go to the database as one statement (see commitWrites).
   */
  beforeCommit(key: string, build: () => CommitWrite | null): void;
}

/** A data-modifying statement; `returned` gets its RETURNING rows. */
export interface CommitWrite extends Statement {
  returned?: (rows: Row[]) => void;
}

export async function inTransaction<T>(db: Database, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const committed: Array<() => void> = [];
  const ended: Array<() => void> = [];
  try {
    const result = await db.lazyTransaction(async (q) => {
      const writes = new Map<string, () => CommitWrite | null>();
      const uow: UnitOfWork = {
        q,
        afterCommit: (fn) => committed.push(fn),
        finally: (fn) => ended.push(fn),
        batch: new BatchContext(),
        beforeCommit: (key, build) => void (writes.has(key) || writes.set(key, build)),
      };
      const value = await work(uow);
      await commitWrites(
        q,
        [...writes.values()].flatMap((build) => build() ?? []),
      );
      return value;
    });
    for (const hook of committed) hook();
    return result;
  } finally {
    for (const hook of ended) hook();
  }
}

/**
 * The writes in one round trip (combineStatements): the main one is the write whose
 * RETURNING rows are wanted, else the last. None of ours reads another's rows.
 */
async function commitWrites(q: LazyTransaction, writes: readonly CommitWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const main = writes.find((w) => w.returned) ?? writes[writes.length - 1]!;
  const { sql, params } = combineStatements(
    main,
    writes.filter((w) => w !== main),
  );
  // The last statement: when the work wrote nothing itself, it is the whole transaction.
  const rows = await q.last(sql, params);
  main.returned?.(rows);
}
