import { timeQuery, timeTransaction } from "../metrics/database-metrics.js";
import type { Database, LazyTransaction, Queryable, Row, TransactionOptions } from "./database.js";

function meteredQueryable<Q extends Queryable>(driver: string, inner: Q): Queryable {
  return {
    query: <R = Row>(sql: string, params?: readonly unknown[]) => timeQuery(driver, "query", inner.query<R>(sql, params)),
    execute: (sql: string, params?: readonly unknown[]) => timeQuery(driver, "execute", inner.execute(sql, params)),
    exec: (script: string) => timeQuery(driver, "exec", inner.exec(script)),
  };
}

/**
 * A database whose every statement and transaction is timed into the metrics
 * (database-metrics.ts): one decorator for both drivers, so neither knows about metrics.
 */
export function meteredDatabase(db: Database): Database {
  const driver = db.kind;
  const direct = meteredQueryable(driver, db);
  return {
    kind: db.kind,
    query: direct.query,
    execute: direct.execute,
    exec: direct.exec,
    transaction: <T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions) =>
      timeTransaction(driver, () => db.transaction((tx) => work(meteredQueryable(driver, tx)), options)),
    lazyTransaction: <T>(work: (tx: LazyTransaction) => Promise<T>) =>
      timeTransaction(driver, () =>
        db.lazyTransaction((tx) =>
          work({ ...meteredQueryable(driver, tx), last: (sql, params) => timeQuery(driver, "query", tx.last(sql, params)) }),
        ),
      ),
    close: () => db.close(),
  };
}
