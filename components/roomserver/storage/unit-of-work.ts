import type { Database, Queryable } from "../../internal/database/database.js";

/**
 * A transaction plus what to do once it has committed. Caches of database rows (numeric
 * IDs, snapshots) are filled only through afterCommit, so a rolled-back transaction never
 * leaves an ID in memory that the database does not hold.
 */
export interface UnitOfWork {
  readonly q: Queryable;
  afterCommit(fn: () => void): void;
  /** Runs once the transaction is over, committed or not. */
  finally(fn: () => void): void;
  /**
   * What the transaction changed so far, for later work in the same transaction (several
   * inputs of a room applied in one transaction see each other's effects).
   */
  readonly pending: Map<string, unknown>;
  /**
   * Runs `fn` once, just before the commit, however often it is registered under `key`:
   * writes that several inputs of a batch would each repeat (the room's row, the outbox)
   * are made once, with their final values.
   */
  beforeCommit(key: string, fn: () => Promise<void>): void;
}

export async function inTransaction<T>(db: Database, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const committed: Array<() => void> = [];
  const ended: Array<() => void> = [];
  try {
    const result = await db.transaction(async (q) => {
      const flushes = new Map<string, () => Promise<void>>();
      const uow: UnitOfWork = {
        q,
        afterCommit: (fn) => committed.push(fn),
        finally: (fn) => ended.push(fn),
        pending: new Map(),
        beforeCommit: (key, fn) => void (flushes.has(key) || flushes.set(key, fn)),
      };
      const value = await work(uow);
      for (const flush of flushes.values()) await flush();
      return value;
    });
    for (const hook of committed) hook();
    return result;
  } finally {
    for (const hook of ended) hook();
  }
}
