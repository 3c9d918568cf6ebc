import type { Database } from "../../internal/database/database.js";
import type { EventLog } from "../../internal/eventlog/eventlog.js";
import type { Logger } from "../../internal/logging/logger.js";
import { deleteOutbox, insertOutboxStatement, selectOutbox, type OutboxEntry } from "../storage/outbox.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";

const RECOVERY_BATCH = 500;
const OUTBOX_KEY = "outbox";
const DELETE_DELAY_MS = 50;

/**
 * The roomserver's outbox: output messages are written in the transaction of the change
 * that caused them, published once it commits, then deleted. A crash between commit and
 * publish leaves them in the table and start-up publishes them (`recover`); their message
 * IDs make a second publish a no-op, so deleting published rows can wait and be batched.
 * Publishes happen one flush at a time, in commit order.
 */
export class OutboxPublisher {
  private readonly ready: OutboxEntry[] = [];
  private readonly published: number[] = [];
  private publishing: Promise<void> = Promise.resolve();
  private deleteTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly logger: Logger,
  ) {}

  /** Queues an output in the transaction; all of a transaction's outputs are inserted at once. */
  async add(uow: UnitOfWork, subject: string, msgId: string, payload: Uint8Array): Promise<void> {
    const queued = uow.batch.outboxEntries;
    queued.push({ subject, msgId, payload });
    uow.beforeCommit(OUTBOX_KEY, () =>
      insertOutboxStatement(queued, (ids) => uow.afterCommit(() => this.ready.push(...queued.map((e, i) => ({ ...e, id: ids[i]! }))))),
    );
  }

  /** Publishes everything committed so far, in commit order. */
  flush(): Promise<void> {
    // A failed flush must not poison the chain: its entries went back to the queue.
    const next = this.publishing.catch(() => {}).then(() => this.publishReady());
    this.publishing = next;
    return next;
  }

  /** Publishes what a previous run committed but did not publish. Call before consuming input. */
  async recover(): Promise<void> {
    for (;;) {
      const entries = await selectOutbox(this.db, RECOVERY_BATCH);
      if (entries.length === 0) return;
      await this.publishAll(entries);
      await deleteOutbox(
        this.db,
        entries.map((e) => e.id),
      );
      this.logger.info({ republished: entries.length }, "outbox recovered after restart");
    }
  }

  /** Deletes what was published (at stop). */
  async close(): Promise<void> {
    await this.flush().catch(() => {});
    await this.deletePublished();
  }

  private async publishReady(): Promise<void> {
    const entries = this.ready.splice(0);
    if (entries.length === 0) return;
    try {
      await this.publishAll(entries);
    } catch (err) {
      this.ready.unshift(...entries); // the rows are still in the table: retried by the next flush
      throw err;
    }
    this.published.push(...entries.map((e) => e.id));
    this.deleteTimer ??= setTimeout(
      () => void this.deletePublished().catch((err: unknown) => this.logger.warn({ err }, "outbox cleanup failed")),
      DELETE_DELAY_MS,
    );
  }

  private async publishAll(entries: readonly OutboxEntry[]): Promise<void> {
    // One connection publishes in order, so concurrent publishes keep the commit order.
    await Promise.all(entries.map((e) => this.log.publish(e.subject, e.payload, { msgId: e.msgId, keptByPublisher: true })));
  }

  private async deletePublished(): Promise<void> {
    if (this.deleteTimer) clearTimeout(this.deleteTimer);
    this.deleteTimer = null;
    const ids = this.published.splice(0);
    if (ids.length > 0) await deleteOutbox(this.db, ids);
  }
}
