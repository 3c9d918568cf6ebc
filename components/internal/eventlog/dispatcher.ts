import type { Logger } from "../logging/logger.js";
import { announceDeadLetter, type DeadLetterStore } from "./dead-letters.js";
import type { BatchHandler, LogMessage, Reply } from "./eventlog.js";
import { isTransientError } from "./transient-errors.js";

/** A delivered message and how to acknowledge it to the log it came from. */
export interface Delivery {
  readonly msg: LogMessage;
  ack(): void | Promise<void>;
}

/** What becomes of a message that fails every time (dead-letters.ts). */
export interface DeadLetterPolicy {
  /** The durable consumer's name and stream, as the dead-letter rows name them. */
  readonly consumer: string;
  readonly stream: string;
  readonly store: DeadLetterStore;
  /** Failures of the message alone after which it is skipped. */
  readonly maxAttempts: number;
  /** The answer to a writer waiting for the message's verdict; without it the writer waits for its timeout. */
  readonly rejection?: (msg: LogMessage, reason: string) => Uint8Array;
  /** The log's reply (EventLog.reply). */
  readonly reply: (answers: readonly Reply[]) => Promise<void>;
}

export interface DispatcherOptions {
  /** How many handler calls run at once. */
  maxConcurrent: number;
  /** The most messages handed to one handler call. */
  maxBatch: number;
  /** Whether one handler call may hold several subjects' messages (each subject's in order). */
  groupSubjects: boolean;
  /** How many delivered but unfinished messages to hold before the reader should pause. */
  maxBuffered?: number;
  deadLetters: DeadLetterPolicy;
  /** Waits before a failed subject is tried again, by its consecutive failures (the last repeats). */
  retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [50, 100, 250, 500, 1000, 2000, 5000];
/**
 * Messages held behind subjects waiting to be retried do not count toward maxBuffered (one
 * poisoned room must not pause everyone's delivery), up to this many times maxBuffered in all.
 */
const HELD_BUFFER_FACTOR = 4;
/** The longest error text kept with a dead letter and logged with it. */
const MAX_ERROR_CHARS = 2000;

/** A subject that failed recently. */
interface SubjectRetry {
  /** Consecutive failed calls, which pick the next wait. */
  failures: number;
  /** Messages up to this sequence go one per call (a batch holding them failed). */
  aloneThrough: number;
}

type Outcome = "handled" | "retry" | "split" | "stopped";

/**
 * Runs a consumer's handler with the ordering both log implementations promise: one
 * subject's messages one after another in sequence order, different subjects in parallel.
 * Messages that queued up meanwhile are handed over together (up to maxBatch; with
 * groupSubjects, from several subjects), so a consumer can apply them in one transaction.
 * A subject is in at most one handler call at a time, so a later message of a subject never
 * overtakes an earlier one. Acks only after the handler resolved.
 *
 * A failed call gives up its concurrency slot at once: its subjects wait for their retry
 * with their messages back at the head of their queues (so they keep their order), while
 * other subjects take the slot. A failed batch of several messages is retried one message
 * per call, so one poisoned message cannot fail its neighbours; a message that fails alone
 * `maxAttempts` times for a reason of its own (not an outage: transient-errors.ts) is
 * dead-lettered: recorded, its writer answered with the consumer's rejection, acknowledged.
 */
export class SubjectDispatcher {
  /** Queued messages of each subject not yet handed to the handler. */
  private readonly queues = new Map<string, Delivery[]>();
  /** Subjects with queued messages and no handler call in progress, oldest first. */
  private readonly waiting: string[] = [];
  /** Subjects in a handler call or waiting for their retry. */
  private readonly active = new Set<string>();
  private readonly retries = new Map<string, SubjectRetry>();
  /** Subjects waiting for their retry, and the timers that end the wait. */
  private readonly parked = new Map<string, NodeJS.Timeout>();
  /** Sequences with failures counted (not dead), whose counts a success clears. */
  private readonly failedSeqs = new Set<number>();
  private running = 0;
  private buffered = 0;
  private stopped = false;
  private readonly maxBuffered: number;
  private readonly delays: readonly number[];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly roomWaiters: Array<() => void> = [];

  constructor(
    private readonly handler: BatchHandler,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 1024;
    this.delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  }

  /** Learns which messages a previous process counted failures of, so their success clears them. */
  async start(): Promise<void> {
    const { store, consumer, stream } = this.options.deadLetters;
    for (const seq of await store.pending(consumer, stream)) this.failedSeqs.add(seq);
  }

  push(delivery: Delivery): void {
    if (this.stopped) return;
    const subject = delivery.msg.subject;
    let queue = this.queues.get(subject);
    if (!queue) {
      queue = [];
      this.queues.set(subject, queue);
      if (!this.active.has(subject)) this.waiting.push(subject);
    }
    queue.push(delivery);
    this.buffered++;
    this.schedule();
  }

  /** Resolves when the reader may push more (backpressure). */
  async waitForRoom(): Promise<void> {
    while (!this.hasRoom() && !this.stopped) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /** Stops starting handler calls and waits for those in progress; queued messages stay unacked. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.parked.forEach((timer) => clearTimeout(timer));
    this.parked.clear();
    this.roomWaiters.splice(0).forEach((wake) => wake());
    while (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private hasRoom(): boolean {
    let held = 0;
    for (const subject of this.parked.keys()) held += this.queues.get(subject)?.length ?? 0;
    return this.buffered - held < this.maxBuffered && this.buffered < this.maxBuffered * HELD_BUFFER_FACTOR;
  }

  private schedule(): void {
    while (!this.stopped && this.running < this.options.maxConcurrent && this.waiting.length > 0) {
      const { batch, subjects } = this.take();
      this.running++;
      void this.run(batch, subjects);
    }
  }

  /** The next batch: the oldest waiting subjects' queued messages, up to maxBatch. */
  private take(): { batch: Delivery[]; subjects: string[] } {
    const batch: Delivery[] = [];
    const subjects: string[] = [];
    while (this.waiting.length > 0 && batch.length < this.options.maxBatch) {
      const subject = this.waiting[0]!;
      const queue = this.queues.get(subject)!;
      const alone = (this.retries.get(subject)?.aloneThrough ?? 0) >= queue[0]!.msg.seq;
      if (alone && batch.length > 0) break; // it goes in a call of its own, next
      this.waiting.shift();
      batch.push(...queue.splice(0, alone ? 1 : this.options.maxBatch - batch.length));
      if (queue.length === 0) this.queues.delete(subject);
      this.active.add(subject);
      subjects.push(subject);
      if (alone || !this.options.groupSubjects) break;
    }
    return { batch, subjects };
  }

  private async run(batch: Delivery[], subjects: string[]): Promise<void> {
    const outcome = await this.attempt(batch);
    this.running--;
    if (outcome === "handled") {
      this.buffered -= batch.length;
      this.roomWaiters.splice(0).forEach((wake) => wake());
      for (const subject of subjects) {
        const retry = this.retries.get(subject);
        const last = lastSeqOf(batch, subject);
        if (retry && retry.aloneThrough > last) retry.failures = 0;
        else this.retries.delete(subject);
        this.release(subject);
      }
    } else if (outcome !== "stopped") {
      this.putBack(batch, subjects);
      for (const subject of subjects) {
        const retry = this.retries.get(subject) ?? { failures: 0, aloneThrough: 0 };
        this.retries.set(subject, retry);
        if (outcome === "split") {
          // No wait: its messages are tried again at once, one per call.
          retry.aloneThrough = Math.max(retry.aloneThrough, lastSeqOf(batch, subject));
          this.release(subject);
        } else {
          retry.failures++;
          this.park(subject, this.delays[Math.min(retry.failures - 1, this.delays.length - 1)]!);
        }
      }
    }
    if (this.running === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    this.schedule();
  }

  /** What arrived for the subject meanwhile waits its turn behind the others. */
  private release(subject: string): void {
    this.active.delete(subject);
    if (this.queues.has(subject)) this.waiting.push(subject);
  }

  /** The failed batch's messages go back to the head of their subjects' queues. */
  private putBack(batch: readonly Delivery[], subjects: readonly string[]): void {
    for (const subject of subjects) {
      const mine = batch.filter((d) => d.msg.subject === subject);
      this.queues.set(subject, [...mine, ...(this.queues.get(subject) ?? [])]);
    }
  }

  /** The subject keeps its place in `active` (its later messages wait) without holding a slot. */
  private park(subject: string, delayMs: number): void {
    this.parked.set(
      subject,
      setTimeout(() => {
        this.parked.delete(subject);
        this.release(subject);
        this.schedule();
      }, delayMs),
    );
    // Its messages no longer count toward the reader's pause.
    this.roomWaiters.splice(0).forEach((wake) => wake());
  }

  private async attempt(batch: Delivery[]): Promise<Outcome> {
    let error: unknown;
    try {
      await this.handler(batch.map((d) => d.msg));
      await Promise.all(batch.map(async (d) => d.ack()));
      this.forgetFailures(batch);
      return "handled";
    } catch (err) {
      error = err;
    }
    if (this.stopped) return "stopped";
    const first = batch[0]!.msg;
    const where = { err: error, stream: first.stream, subject: first.subject, seq: first.seq, batch: batch.length };
    if (isTransientError(error)) {
      this.logger.warn(where, "event log handler failed for a reason outside the message; retrying");
      return "retry";
    }
    if (batch.length > 1) {
      this.logger.warn(where, "event log handler failed on a batch; retrying its messages one by one");
      return "split";
    }
    return this.countFailure(batch[0]!, error);
  }

  /** One more failure of a message alone: retried below the limit, dead-lettered at it. */
  private async countFailure(delivery: Delivery, error: unknown): Promise<Outcome> {
    const { msg } = delivery;
    const policy = this.options.deadLetters;
    const reason = errorText(error);
    // The consumer's name is in the logger's own fields already.
    const where = { stream: msg.stream, subject: msg.subject, seq: msg.seq };
    let count;
    try {
      count = await policy.store.countFailure(policy.consumer, msg, reason, policy.maxAttempts);
    } catch (storeErr) {
      this.logger.warn(
        { ...where, err: error, store_err: storeErr },
        "event log handler failed and its failure could not be counted; retrying",
      );
      return "retry";
    }
    if (count.kind === "retry") {
      this.failedSeqs.add(msg.seq);
      this.logger.warn(
        { ...where, err: error, attempt: count.attempts, max_attempts: policy.maxAttempts },
        "event log handler failed; retrying",
      );
      return "retry";
    }
    this.failedSeqs.delete(msg.seq);
    if (count.kind === "dead") {
      this.logger.error(
        { ...where, error: reason, attempts: count.attempts },
        "event log message dead-lettered: skipped after failing every attempt",
      );
      announceDeadLetter({ ...where, consumer: policy.consumer, attempts: count.attempts, error: reason });
    }
    // Dead before: a redelivery whose acknowledgement was lost. Its writer may not have heard.
    if (policy.rejection) {
      await policy.reply([{ msg, data: policy.rejection(msg, reason) }]).catch((err: unknown) => {
        this.logger.warn({ ...where, err }, "could not answer the writer of a dead-lettered message");
      });
    }
    await delivery.ack();
    return "handled";
  }

  /** Messages that succeeded after counted failures are no longer candidates. */
  private forgetFailures(batch: readonly Delivery[]): void {
    if (this.failedSeqs.size === 0) return;
    const seqs = batch.map((d) => d.msg.seq).filter((seq) => this.failedSeqs.delete(seq));
    if (seqs.length === 0) return;
    const { store, consumer, stream } = this.options.deadLetters;
    store
      .clear(consumer, stream, seqs)
      .catch((err: unknown) => this.logger.warn({ err, seqs }, "could not clear the failures of messages that succeeded"));
  }
}

function lastSeqOf(batch: readonly Delivery[], subject: string): number {
  let last = 0;
  for (const d of batch) if (d.msg.subject === subject) last = Math.max(last, d.msg.seq);
  return last;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
