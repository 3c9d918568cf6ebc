import { cpSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
import { advisoryLockCall, type Database, type LazyTransaction, type Queryable, type Row, type TransactionOptions } from "./database.js";
import { DurableNodeFS, isFreshDataDir, pgliteStartParams, syncTree } from "./pglite-durability.js";
import { pgliteTemplate } from "./pglite-template.js";

function wrap(db: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const result = await db.query<R>(sql, params as unknown[]);
      return result.rows;
    },
    async execute(sql: string, params?: readonly unknown[]) {
      const result = await db.query(sql, params as unknown[]);
      return result.affectedRows ?? 0;
    },
    async exec(script: string) {
      await db.exec(script);
    },
  };
}

/**
 * PGlite: PostgreSQL compiled to WASM, persisted in a folder (or in memory when no folder
 * is given). It has a single connection; PGlite itself queues statements and holds the
 * connection for the length of a transaction, so transactions never interleave.
 * With `fsync` (the default, `database.embedded_fsync`) a commit is on disk when it returns;
 * without, only in the OS's cache (see pglite-durability.ts).
 */
export class PgliteDatabase implements Database {
  readonly kind = "pglite";
  private readonly direct: Queryable;

  private constructor(private readonly db: PGlite) {
    this.direct = wrap(db);
  }

  /** `cacheMb` sizes its page cache (pglite-memory.ts). */
  static async open(dataDir: string | null, options: { fsync?: boolean; cacheMb?: number } = {}): Promise<PgliteDatabase> {
    // A database in memory has no disk to reach.
    if (dataDir === null) return new PgliteDatabase(await PGlite.create({ startParams: pgliteStartParams(false, options.cacheMb) }));
    const fsync = options.fsync ?? true;
    const fresh = isFreshDataDir(dataDir);
    const startParams = pgliteStartParams(fsync, options.cacheMb);
    // A new database starts as a copy of the template the build made, when there is one.
    const template = fresh ? pgliteTemplate() : null;
    if (template) cpSync(template, dataDir, { recursive: true });
    const db = await PGlite.create({ fs: fsync ? new DurableNodeFS(dataDir) : new NodeFS(dataDir), startParams });
    if (fresh && fsync) await syncTree(dataDir);
    return new PgliteDatabase(db);
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

  transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.db.transaction(async (tx) => {
      if (options.advisoryLock) await tx.query(`SELECT ${advisoryLockCall(options.advisoryLock)}`);
      return work(wrap(tx));
    });
  }

  /** In-process, round trips cost nothing: a plain transaction. */
  lazyTransaction<T>(work: (tx: LazyTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => {
      const q = wrap(tx);
      return work({ ...q, last: (sql, params) => q.query(sql, params) });
    });
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
