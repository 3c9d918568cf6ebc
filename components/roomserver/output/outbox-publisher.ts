import type { Database } from "../../internal/database/database.js";
import type { EventLog } from "../../internal/eventlog/eventlog.js";
import type { Logger } from "../../internal/logging/logger.js";
import { deleteOutbox, insertOutbox, selectOutbox } from "../storage/outbox.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";

const BATCH = 500;

/**
 * The roomserver's outbox: output messages are written in the transaction of the change
 * that caused them and published after it commits, then deleted. A crash between commit
 * and publish leaves them in the table, and the next flush (at start-up at the latest)
 * publishes them; their message IDs make a second publish a no-op. Flushes run one at a
 * time, so outputs keep their commit order.
 */
export class OutboxPublisher {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly logger: Logger,
  ) {}

  async add(uow: UnitOfWork, subject: string, msgId: string, payload: Uint8Array): Promise<void> {
    await insertOutbox(uow.q, subject, msgId, payload);
  }

  /** Publishes everything committed so far; resolves when what was committed before the call is out. */
  async flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      await this.running;
      if (this.running) await this.running;
      return;
    }
    this.running = this.drain();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const entries = await selectOutbox(this.db, BATCH);
        if (entries.length === 0) break;
        // One connection publishes in order, so concurrent publishes keep the commit order.
        await Promise.all(entries.map((e) => this.log.publish(e.subject, e.payload, { msgId: e.msgId })));
        await deleteOutbox(this.db, entries.map((e) => e.id));
        this.logger.debug({ published: entries.length }, "outbox published");
        if (entries.length < BATCH) break;
      }
    } while (this.again);
  }
}
