import type { Database, Queryable } from "../../internal/database/database.js";
import type { SyncStream } from "./positions.js";
import type { Notifier } from "./notifier.js";
import { streamLock } from "../storage/positions.js";

/** What to do once the write committed (never before: a woken sync must find the rows). */
export type AfterCommit = (notifier: Notifier) => void;

/**
 * The one way to write a sync stream. A stream's writes run one at a time, in the order
 * asked, each with what follows its commit (the notifier's positions and wakes, the store's
 * memory) before the next starts: a sync must never see a later position before an earlier
 * one is known, and positions taken in this order commit in it. Each write also holds the
 * stream's lock in PostgreSQL, which keeps that true should two processes ever write it.
 *
 * One at a time costs little: the lock serialised the writes in PostgreSQL anyway, and each
 * carries a whole batch of messages.
 */
export class StreamWriter {
  private readonly tails = new Map<SyncStream, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly notifier: Notifier,
  ) {}

  /** Runs `work` in a transaction that holds the stream's lock. */
  write(stream: SyncStream, work: (tx: Queryable) => Promise<AfterCommit[]>): Promise<void> {
    return this.inTurn(stream, () => this.db.transaction(work, { advisoryLock: streamLock(stream) }));
  }

  private inTurn(stream: SyncStream, write: () => Promise<AfterCommit[]>): Promise<void> {
    const run = async () => {
      for (const effect of await write()) effect(this.notifier);
    };
    const mine = (this.tails.get(stream) ?? Promise.resolve()).then(run);
    // A failed write (rolled back: nothing to tell) does not hold up the ones after it.
    const tail = mine.catch(() => {});
    this.tails.set(stream, tail);
    void tail.then(() => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    });
    return mine;
  }
}
