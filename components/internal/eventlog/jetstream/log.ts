import {
  connect,
  ErrorCode,
  Events,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type NatsError,
} from "nats";
import type { Logger } from "../../logging/logger.js";
import { DEFAULT_MAX_DELIVERY_ATTEMPTS, MemoryDeadLetters } from "../dead-letters.js";
import {
  NoResponderError,
  type DeadLetterSettings,
  REPLY_TO_HEADER,
  TimeoutError,
  type Consumer,
  type ConsumerOptions,
  type EventLog,
  type PublishOptions,
  type PublishResult,
  type Reply,
  type RequestHandler,
  type SubscribeOptions,
  type Subscription,
} from "../eventlog.js";
import { publishAwaitingReply } from "../awaited-publish.js";
import { checkName } from "../subjects.js";
import { JetStreamConsumer } from "./consumer.js";
import { fromNatsHeaders, isNotFound, toNatsHeaders } from "./headers-and-errors.js";
import { BATCHED_REPLIES, encodeBatchedReplies, ReplyInbox } from "./reply-inbox.js";

const NO_RESPONDERS = 503;
/** How long a publish waits for the stream's acknowledgement (js.publish's default). */
const PUBLISH_ACK_TIMEOUT_MS = 5_000;
const MSG_ID_HEADER = "Nats-Msg-Id";
/** Answers in one batched reply at most: verdicts are small, this keeps a message far below max_payload. */
const REPLIES_PER_MESSAGE = 256;

/** The event log on NATS JetStream (the polylith, or a monolith pointed at NATS). */
export class JetStreamLog implements EventLog {
  readonly kind = "nats";
  private readonly consumers = new Set<JetStreamConsumer>();
  private readonly subscriptions = new Set<Subscription>();
  /** The onLiveChange callbacks of plain subscriptions. */
  private readonly liveWatchers = new Set<(live: boolean) => void>();
  private readonly replies: ReplyInbox;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly deadLetters: DeadLetterSettings,
  ) {
    this.replies = new ReplyInbox(nc);
    void this.watchConnection();
  }

  /**
   * Core messages published while the connection is down are lost to this process, so plain
   * subscribers hear when it drops, and when it is back: nats.js resends the subscriptions
   * on reconnecting, and the server has them once it answers a ping sent after them.
   */
  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) this.liveWatchers.forEach((watch) => watch(false));
      if (
        status.type === Events.Reconnect &&
        (await this.nc.flush().then(
          () => true,
          () => false,
        ))
      ) {
        this.liveWatchers.forEach((watch) => watch(true));
      }
    }
  }

  /**
   * Dead letters are recorded in `deadLetters.store` (openEventLog gives the process's
   * database); without one they are only counted in memory, logged and skipped.
   */
  static async connect(
    url: string,
    prefix: string,
    logger: Logger,
    name = "dendrite-ts",
    deadLetters?: Partial<DeadLetterSettings>,
  ): Promise<JetStreamLog> {
    const nc = await connect({ servers: url, name, maxReconnectAttempts: -1 });
    const jsm = await nc.jetstreamManager();
    return new JetStreamLog(nc, nc.jetstream(), jsm, prefix, logger, {
      store: deadLetters?.store ?? new MemoryDeadLetters(),
      maxAttempts: deadLetters?.maxAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
    });
  }

  async declareStreams(names: readonly string[]): Promise<void> {
    for (const logical of names) {
      const name = this.prefix + logical;
      checkName("stream", name);
      const subjects = [name, `${name}.>`];
      try {
        const info = await this.jsm.streams.info(name);
        if (info.config.subjects?.join(",") !== subjects.join(",")) {
          await this.jsm.streams.update(name, { ...info.config, subjects });
        }
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.jsm.streams
          .add({ name, subjects, retention: RetentionPolicy.Limits, storage: StorageType.File })
          .catch(async (addErr) => {
            // Another process declared it at the same moment: that is the state we wanted.
            await this.jsm.streams.info(name).catch(() => Promise.reject(addErr));
          });
      }
    }
  }

  /**
   * A plain publish whose reply subject is this connection's inbox: the stream answers
   * there with its acknowledgement. The same messages as js.publish, without the request
   * object, error and inbox bookkeeping it makes per call (~6% of a writer's CPU per send).
   */
  async publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<PublishResult> {
    const headers = toNatsHeaders({ ...options.headers, ...(options.msgId ? { [MSG_ID_HEADER]: options.msgId } : {}) });
    if (options.unacknowledged) {
      this.nc.publish(this.prefix + subject, data, { headers });
      return { seq: 0, duplicate: false };
    }
    const ack = this.replies.expectMessage(PUBLISH_ACK_TIMEOUT_MS, `the acknowledgement of a publish on ${subject}`);
    try {
      this.nc.publish(this.prefix + subject, data, { headers, reply: ack.subject });
    } catch (err) {
      ack.cancel(); // nothing went out (a closed connection): no acknowledgement to wait for
      throw err;
    }
    const msg = await ack.reply;
    if (msg.headers?.code === NO_RESPONDERS) throw new NoResponderError(`${subject} (no stream takes it)`);
    const answer = JSON.parse(Buffer.from(msg.data).toString("utf8")) as {
      seq?: number;
      duplicate?: boolean;
      error?: { description?: string };
    };
    if (answer.error || answer.seq === undefined) {
      throw new Error(`the log refused a publish on ${subject}: ${answer.error?.description ?? "no sequence in its answer"}`);
    }
    return { seq: answer.seq, duplicate: answer.duplicate === true };
  }

  async consume(options: ConsumerOptions): Promise<Consumer> {
    checkName("durable consumer", this.prefix + options.durable);
    const consumer = new JetStreamConsumer(
      this.js,
      this.jsm,
      this.prefix,
      options,
      this.logger.child({ consumer: options.durable }),
      this.deadLetters,
      (answers) => this.reply(answers),
      () => this.consumers.delete(consumer),
    );
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    try {
      const msg = await this.nc.request(this.prefix + subject, data, { timeout: timeoutMs, noMux: false });
      return msg.data;
    } catch (err) {
      throw mapRequestError(err, subject, timeoutMs);
    }
  }

  async serve(subject: string, handler: RequestHandler): Promise<Subscription> {
    // A queue group so that replicas of a component share the requests.
    const sub = this.nc.subscribe(this.prefix + subject, {
      queue: "responders",
      callback: (err, msg) => {
        if (err) return;
        handler(msg.data, fromNatsHeaders(msg.headers)).then(
          (answer) => msg.respond(answer),
          (handlerErr) => this.logger.error({ err: handlerErr, subject }, "request handler failed"),
        );
      },
    });
    const subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await sub.drain();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async subscribe(subject: string, options: SubscribeOptions): Promise<Subscription> {
    const sub = this.nc.subscribe(this.prefix + subject, {
      callback: (err, msg) => {
        if (err) return;
        // A throw here would end nats.js's reader loop.
        try {
          options.handler(msg.subject.slice(this.prefix.length), msg.data);
        } catch (handlerErr) {
          this.logger.error({ err: handlerErr, subject }, "subscription handler failed");
        }
      },
    });
    // Registered at the server once it answers a ping sent after the subscription.
    await this.nc.flush();
    const watch = options.onLiveChange;
    if (watch) this.liveWatchers.add(watch);
    const subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        if (watch) this.liveWatchers.delete(watch);
        sub.unsubscribe();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  publishAndWait(subject: string, data: Uint8Array, timeoutMs: number, options: PublishOptions = {}) {
    const pending = this.replies.expect(timeoutMs, `verdict on ${subject}`);
    return publishAwaitingReply((s, d, o) => this.publish(s, d, o), subject, data, pending, options);
  }

  /**
   * Answers that go to one writer's inbox travel together: one NATS message per inbox
   * (and per REPLIES_PER_MESSAGE) rather than one per answer.
   */
  async reply(answers: readonly Reply[]): Promise<void> {
    const byInbox = new Map<string, [token: string, data: Uint8Array][]>();
    for (const { msg, data } of answers) {
      const to = msg.headers[REPLY_TO_HEADER];
      if (!to) continue;
      const dot = to.lastIndexOf(".");
      const inbox = to.slice(0, dot);
      let list = byInbox.get(inbox);
      if (!list) byInbox.set(inbox, (list = []));
      list.push([to.slice(dot + 1), data]);
    }
    for (const [inbox, list] of byInbox) {
      for (let i = 0; i < list.length; i += REPLIES_PER_MESSAGE) {
        const chunk = list.slice(i, i + REPLIES_PER_MESSAGE);
        if (chunk.length === 1) this.nc.publish(`${inbox}.${chunk[0]![0]}`, chunk[0]![1]);
        else this.nc.publish(`${inbox}.${BATCHED_REPLIES}`, encodeBatchedReplies(chunk));
      }
    }
  }

  /** A JetStream API round trip: the connection is up and JetStream answers. */
  async check(): Promise<void> {
    if (this.nc.isClosed()) throw new Error("the NATS connection is closed");
    await this.jsm.getAccountInfo();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.replies.close();
    await this.nc.drain();
  }
}

function mapRequestError(err: unknown, subject: string, timeoutMs: number): Error {
  const code = (err as NatsError).code;
  if (code === ErrorCode.NoResponders) return new NoResponderError(subject);
  if (code === ErrorCode.Timeout) return new TimeoutError(`request on ${subject}`, timeoutMs);
  return err as Error;
}
