import type { DeadLetterStore } from "./dead-letters.js";
import type { DeadLetterPolicy, DispatcherOptions } from "./dispatcher.js";

/**
 * The event log: JetStream's model (streams, sequence numbers, named durable consumers
 * with explicit ack, request/reply), behind one interface with two implementations:
 * NATS JetStream, and an in-process log persisted in the embedded database.
 *
 * Subjects are written without the deployment's stream prefix ("InputRoomEvent.<room>");
 * the implementation adds it. A subject's stream is its first token.
 */
export interface PublishOptions {
  /** Deduplication ID (JetStream's Nats-Msg-Id): a second publish with it is dropped. */
  msgId?: string;
  headers?: Record<string, string>;
  /**
   * Neither ask for nor wait for the log's acknowledgement (the result then has seq 0), for
   * a message whose sender learns its fate another way, as a writer does from the verdict.
   * A message the log fails to store then shows only as that other wait timing out.
   */
  unacknowledged?: boolean;
  /**
   * The publisher keeps its own stored copy of the message (an outbox) until the publish
   * resolves, and forgets it only by a later write to the same database: the in-process
   * log then stores the message without waiting for the disk (a crash that loses it loses
   * the forgetting too, and the publisher publishes again). JetStream stores it as ever.
   */
  keptByPublisher?: boolean;
}

export interface PublishResult {
  seq: number;
  /** True when a message with the same msgId was already in the stream; `seq` is that message's. */
  duplicate: boolean;
}

export interface LogMessage {
  readonly stream: string;
  readonly subject: string;
  readonly seq: number;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** True when this message was delivered to this durable consumer before. */
  readonly redelivered: boolean;
}

/** A consumer's answer to a message published with publishAndWait. */
export interface Reply {
  readonly msg: LogMessage;
  readonly data: Uint8Array;
}

export type MessageHandler = (msg: LogMessage) => Promise<void>;
/** Several messages of one subject, in sequence order. */
export type BatchHandler = (msgs: readonly LogMessage[]) => Promise<void>;

export interface ConsumerOptions {
  stream: string;
  /** Durable name: the consumer's position survives restarts under this name. */
  durable: string;
  /** Only messages whose subject matches (NATS wildcards `*`, `>`); default the whole stream. */
  filterSubject?: string;
  /**
   * Called for each message; the message is acknowledged when it resolves. Messages of one
   * subject are handled one after another, in sequence order; different subjects in
   * parallel. A handler that throws is retried with backoff (the subject waits, other
   * subjects go on) until it succeeds or the consumer stops; a message that fails alone
   * the log's attempt limit for a reason of its own is dead-lettered instead (dead-letters.ts).
   * Give either this or batchHandler.
   */
  handler?: MessageHandler;
  /**
   * Like handler, but receives the messages of one subject that are waiting (up to
   * maxBatch) together; all are acknowledged when it resolves.
   */
  batchHandler?: BatchHandler;
  maxBatch?: number;
  /**
   * With batchHandler: one call may hold the waiting messages of several subjects (each
   * subject's in order, and a subject in one call at a time), so a consumer can apply many
   * subjects' messages in one transaction. maxConcurrentSubjects then bounds the calls.
   */
  groupSubjects?: boolean;
  /** How many subjects are handled at once (default 64); 1 gives one total order. */
  maxConcurrentSubjects?: number;
  /**
   * The answer a writer waiting for a message (publishAndWait) gets if the consumer gives up
   * on the message (dead-letters it); `reason` is the handler's last error. Without it, such
   * a writer waits for its timeout.
   */
  rejectionOf?: (msg: LogMessage, reason: string) => Uint8Array;
}

export interface Consumer {
  /** Stops delivery and waits for the handlers in progress; unacknowledged messages stay pending. */
  stop(): Promise<void>;
}

export type RequestHandler = (data: Uint8Array, headers: Readonly<Record<string, string>>) => Promise<Uint8Array>;

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** Called for each message, in the order the log routes them, as it arrives. */
  handler: (subject: string, data: Uint8Array) => void;
  /**
   * Called with false when messages may be getting lost (the connection to the log
   * dropped) and with true once the subscription receives again, so a subscriber that keeps
   * state derived from the messages can stop trusting it meanwhile.
   */
  onLiveChange?: (live: boolean) => void;
}

export interface EventLog {
  readonly kind: "nats" | "in-process";
  /** Creates the streams if missing; harmless when they exist (every process calls it at start). */
  declareStreams(names: readonly string[]): Promise<void>;
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<PublishResult>;
  consume(options: ConsumerOptions): Promise<Consumer>;
  /** Core request/reply: one responder answers or the promise rejects (TimeoutError, NoResponderError). */
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  serve(subject: string, handler: RequestHandler): Promise<Subscription>;
  /**
   * A plain subscription (NATS core): every subscriber, in every process, gets each message
   * published on a matching subject (NATS wildcards) once the promise resolves; no position,
   * no acks, no replay. The log hands a published message to the subscriptions as it takes it,
   * ahead of acknowledging the publish: the in-process log has run their handlers when
   * `publish` resolves, NATS has queued the message on each subscriber's connection.
   */
  subscribe(subject: string, options: SubscribeOptions): Promise<Subscription>;
  /**
   * Publishes to a stream and waits for the consumer's verdict: the consumer answers with
   * `reply(msg, data)`. The message stays in the stream if the wait times out. A publish
   * dropped as a duplicate (its msgId was seen) rejects at once with DuplicateMessageError:
   * the verdict went to whoever published it first.
   */
  publishAndWait(subject: string, data: Uint8Array, timeoutMs: number, options?: PublishOptions): Promise<Uint8Array>;
  /**
   * Answers messages published with publishAndWait (a consumer answers a batch's messages
   * together: those to one writer may travel as one); messages without a waiter are skipped.
   */
  reply(answers: readonly Reply[]): Promise<void>;
  /** Resolves when the log can be used (the health check); rejects saying why not. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** How a log treats messages that fail every time (dead-letters.ts). */
export interface DeadLetterSettings {
  /** Where failures are counted and dead letters recorded. */
  readonly store: DeadLetterStore;
  /** Failures of a message alone after which it is dead-lettered. */
  readonly maxAttempts: number;
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

export class NoResponderError extends Error {
  constructor(subject: string) {
    super(`no responder is serving ${subject}`);
    this.name = "NoResponderError";
  }
}

export class DuplicateMessageError extends Error {
  constructor(
    subject: string,
    readonly seq: number,
  ) {
    super(`a message with the same ID is already in the stream (${subject}, sequence ${seq})`);
    this.name = "DuplicateMessageError";
  }
}

/** Header naming the subject that waits for a consumer's verdict. */
export const REPLY_TO_HEADER = "Dendrite-Reply-To";

/**
 * The dispatcher's handler and settings for either form of ConsumerOptions; `deadLetters`
 * is what the log brings (its store, attempt limit and reply).
 */
export function dispatchOf(
  options: ConsumerOptions,
  deadLetters: Omit<DeadLetterPolicy, "consumer" | "stream" | "rejection">,
): { handler: BatchHandler; options: DispatcherOptions } {
  const maxConcurrent = options.maxConcurrentSubjects ?? 64;
  const policy: DeadLetterPolicy = { ...deadLetters, consumer: options.durable, stream: options.stream, rejection: options.rejectionOf };
  if (options.batchHandler) {
    return {
      handler: options.batchHandler,
      options: { maxConcurrent, maxBatch: options.maxBatch ?? 100, groupSubjects: options.groupSubjects ?? false, deadLetters: policy },
    };
  }
  const single = options.handler;
  if (!single) throw new Error(`consumer ${options.durable} has neither handler nor batchHandler`);
  return {
    handler: async (msgs) => {
      for (const m of msgs) await single(m);
    },
    options: { maxConcurrent, maxBatch: 1, groupSubjects: false, deadLetters: policy },
  };
}
