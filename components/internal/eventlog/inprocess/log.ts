import type { Database } from "../../database/database.js";
import { migrate } from "../../database/migrations.js";
import type { Logger } from "../../logging/logger.js";
import { DEAD_LETTER_MIGRATIONS, DEFAULT_MAX_DELIVERY_ATTEMPTS, DeadLetterTable } from "../dead-letters.js";
import {
  REPLY_TO_HEADER,
  type DeadLetterSettings,
  type Consumer,
  type ConsumerOptions,
  type EventLog,
  type Reply,
  type PublishOptions,
  type PublishResult,
  type RequestHandler,
  type SubscribeOptions,
  type Subscription,
} from "../eventlog.js";
import { publishAwaitingReply } from "../awaited-publish.js";
import { checkName, streamOf } from "../subjects.js";
import { InProcessConsumer } from "./consumer.js";
import { CoreBus } from "./core-bus.js";
import { IN_PROCESS_LOG_MIGRATIONS } from "./schema.js";
import { StreamStore } from "./stream-store.js";

/**
 * The event log of the embedded setup: JetStream's semantics (persisted streams, sequence
 * numbers, message-ID deduplication, named durable consumers, request/reply) inside the
 * process, stored in the embedded database.
 */
export class InProcessLog implements EventLog {
  readonly kind = "in-process";
  private readonly streams = new Map<string, StreamStore>();
  private readonly activeConsumers = new Set<string>();
  private readonly consumers = new Set<InProcessConsumer>();
  private readonly bus = new CoreBus();
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly deadLetters: DeadLetterSettings,
  ) {}

  /** Dead letters go to `db` too unless `deadLetters` says otherwise. */
  static async open(db: Database, prefix: string, logger: Logger, deadLetters?: Partial<DeadLetterSettings>): Promise<InProcessLog> {
    await migrate(db, "eventlog-inprocess", IN_PROCESS_LOG_MIGRATIONS);
    if (!deadLetters?.store) await migrate(db, "eventlog-dead-letters", DEAD_LETTER_MIGRATIONS);
    return new InProcessLog(db, prefix, logger, {
      store: deadLetters?.store ?? new DeadLetterTable(db),
      maxAttempts: deadLetters?.maxAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
    });
  }

  async declareStreams(names: readonly string[]): Promise<void> {
    for (const name of names) {
      checkName("stream", this.prefix + name);
      if (!this.streams.has(name)) this.streams.set(name, await StreamStore.open(this.db, this.prefix + name));
    }
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<PublishResult> {
    const result = await this.stream(streamOf(subject)).publish(
      this.prefix + subject,
      data,
      options.headers ?? {},
      options.msgId ?? null,
      // Only a publisher told "stored" with nothing of its own to fall back on needs the disk.
      options.unacknowledged !== true && options.keptByPublisher !== true,
    );
    // As NATS does, plain subscribers get the message before the publisher hears it was taken.
    this.bus.publish(this.prefix + subject, data);
    return result;
  }

  async consume(options: ConsumerOptions): Promise<Consumer> {
    const name = this.prefix + options.durable;
    checkName("durable consumer", name);
    if (this.activeConsumers.has(name)) throw new Error(`durable consumer ${options.durable} is already running`);
    const store = this.stream(options.stream);
    this.activeConsumers.add(name);
    const consumer = new InProcessConsumer(
      this.db,
      store,
      name,
      options,
      (subject) => subject.slice(this.prefix.length),
      this.logger.child({ consumer: options.durable }),
      this.deadLetters,
      (answers) => this.reply(answers),
      () => {
        this.activeConsumers.delete(name);
        this.consumers.delete(consumer);
      },
    );
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    return this.bus.request(this.prefix + subject, data, timeoutMs);
  }

  async serve(subject: string, handler: RequestHandler): Promise<Subscription> {
    const stop = this.bus.serve(this.prefix + subject, handler);
    return { stop: async () => stop() };
  }

  /** Never interrupted: publisher and subscribers share the process. */
  async subscribe(subject: string, options: SubscribeOptions): Promise<Subscription> {
    const stop = this.bus.subscribe(this.prefix + subject, (full, data) => {
      try {
        options.handler(full.slice(this.prefix.length), data);
      } catch (err) {
        this.logger.error({ err, subject }, "subscription handler failed");
      }
    });
    return { stop: async () => void stop() };
  }

  publishAndWait(subject: string, data: Uint8Array, timeoutMs: number, options: PublishOptions = {}) {
    const pending = this.bus.inbox(timeoutMs, `verdict on ${subject}`);
    return publishAwaitingReply((s, d, o) => this.publish(s, d, o), subject, data, pending, options);
  }

  async reply(answers: readonly Reply[]): Promise<void> {
    for (const { msg, data } of answers) {
      const to = msg.headers[REPLY_TO_HEADER];
      if (to) this.bus.send(to, data);
    }
  }

  /** Its storage is the database, which has its own check; what is left is whether it is open. */
  async check(): Promise<void> {
    if (this.closed) throw new Error("the in-process log is closed");
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    for (const store of this.streams.values()) await store.settle();
  }

  private stream(name: string): StreamStore {
    const store = this.streams.get(name);
    if (!store) throw new Error(`stream ${name} was not declared`);
    return store;
  }
}
