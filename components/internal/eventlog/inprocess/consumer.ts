import type { Database } from "../../database/database.js";
import { UNFLUSHED_COMMIT } from "../../database/unflushed-commit.js";
import type { Logger } from "../../logging/logger.js";
import { countDelivery, watchConsumerLag } from "../../metrics/eventlog-metrics.js";
import { SubjectDispatcher } from "../dispatcher.js";
import { dispatchOf, type Consumer, type ConsumerOptions, type DeadLetterSettings, type LogMessage, type Reply } from "../eventlog.js";
import { subjectMatches } from "../subjects.js";
import type { StreamStore } from "./stream-store.js";

/** Acks are written in batches this often: an ack is not a disk sync (as in JetStream). */
const ACK_FLUSH_MS = 20;

/**
 * A named durable consumer of the in-process log. Its position is the ack floor (every
 * sequence up to it acknowledged) plus the acknowledged sequences above it, persisted in
 * eventlog_consumers. After a restart delivery resumes at the floor, skipping what was
 * acknowledged, so an unacknowledged message is always delivered again.
 */
export class InProcessConsumer implements Consumer {
  private floor = 0;
  private readonly acked = new Set<number>();
  private deliveredMax = 0;
  private previousDeliveredMax = 0;
  private running = true;
  private wake: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();
  private unsubscribe: () => void = () => {};
  private unwatchLag: () => void = () => {};
  private ackTimer: NodeJS.Timeout | null = null;
  private ackWrite: Promise<void> = Promise.resolve();
  private readonly dispatcher: SubjectDispatcher;

  constructor(
    private readonly db: Database,
    private readonly store: StreamStore,
    private readonly name: string,
    private readonly options: ConsumerOptions,
    private readonly stripPrefix: (subject: string) => string,
    logger: Logger,
    deadLetters: DeadLetterSettings,
    reply: (answers: readonly Reply[]) => Promise<void>,
    private readonly onStop: () => void,
  ) {
    const dispatch = dispatchOf(options, { ...deadLetters, reply });
    this.dispatcher = new SubjectDispatcher(dispatch.handler, logger, dispatch.options);
  }

  async start(): Promise<void> {
    await this.db.execute("INSERT INTO eventlog_consumers (name, stream) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      this.name,
      this.store.name,
    ]);
    const [row] = await this.db.query<{ ack_floor: number; acked_above: number[]; delivered_max: number }>(
      "SELECT ack_floor, acked_above, delivered_max FROM eventlog_consumers WHERE name = $1",
      [this.name],
    );
    this.floor = row!.ack_floor;
    row!.acked_above.map(Number).forEach((seq) => this.acked.add(seq));
    this.previousDeliveredMax = this.deliveredMax = row!.delivered_max;
    await this.dispatcher.start();
    this.unsubscribe = this.store.onPublish(() => this.wake?.());
    // Past the ack floor, all but the sequences acknowledged out of order are unacknowledged.
    this.unwatchLag = watchConsumerLag(this.options.stream, this.options.durable, () => this.store.lastSeq - this.floor - this.acked.size);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe();
    this.unwatchLag();
    this.wake?.();
    await this.loop;
    await this.dispatcher.stop();
    await this.flushAcks();
    this.onStop();
  }

  private async run(): Promise<void> {
    let cursor = this.floor + 1;
    while (this.running) {
      const batch = await this.store.read(cursor);
      if (batch.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          // A publish may have committed between the read and installing the waker.
          if (this.store.lastSeq >= cursor || !this.running) resolve();
        });
        this.wake = null;
        continue;
      }
      for (const stored of batch) {
        cursor = stored.seq + 1;
        if (this.acked.has(stored.seq) || stored.seq <= this.floor) continue;
        const subject = this.stripPrefix(stored.subject);
        if (this.options.filterSubject && !subjectMatches(this.options.filterSubject, subject)) {
          this.ack(stored.seq); // not ours: passes the floor without delivery
          continue;
        }
        await this.dispatcher.waitForRoom();
        if (!this.running) return;
        const msg: LogMessage = {
          stream: this.options.stream,
          subject,
          seq: stored.seq,
          data: stored.data,
          headers: stored.headers,
          redelivered: stored.seq <= this.previousDeliveredMax,
        };
        this.deliveredMax = Math.max(this.deliveredMax, stored.seq);
        countDelivery(msg.stream, this.options.durable, msg.redelivered);
        this.dispatcher.push({ msg, ack: () => this.ack(stored.seq) });
      }
    }
  }

  private ack(seq: number): void {
    this.acked.add(seq);
    while (this.acked.has(this.floor + 1)) {
      this.acked.delete(this.floor + 1);
      this.floor++;
    }
    if (!this.ackTimer) this.ackTimer = setTimeout(() => void this.flushAcks(), ACK_FLUSH_MS);
  }

  private flushAcks(): Promise<void> {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const floor = this.floor;
    const above = [...this.acked];
    const deliveredMax = this.deliveredMax;
    // Writes are chained so an older state never lands after a newer one.
    this.ackWrite = this.ackWrite
      .then(() =>
        this.db.execute(
          // A lost acknowledgement is a redelivery, which consumers recognise: no disk wait.
          `UPDATE eventlog_consumers SET ack_floor = $2, acked_above = $3::bigint[], delivered_max = $4 WHERE name = $1 ${UNFLUSHED_COMMIT}`,
          [this.name, floor, above, deliveredMax],
        ),
      )
      .then(
        () => {},
        () => {}, // a failed ack write only means a redelivery, which consumers deduplicate
      );
    return this.ackWrite;
  }
}
