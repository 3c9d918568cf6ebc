import type { Logger } from "../logging/logger.js";
import type { BatchHandler, LogMessage } from "./eventlog.js";

/** A delivered message and how to acknowledge it to the log it came from. */
export interface Delivery {
  readonly msg: LogMessage;
  ack(): void | Promise<void>;
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
}

const RETRY_DELAYS_MS = [50, 100, 250, 500, 1000, 2000, 5000];

/**
 * Runs a consumer's handler with the ordering both log implementations promise: one
 * subject's messages one after another in sequence order, different subjects in parallel.
 * Messages that queued up meanwhile are handed over together (up to maxBatch; with
 * groupSubjects, from several subjects), so a consumer can apply them in one transaction.
 * A subject is in at most one handler call at a time, and a failing call is retried in
 * place, so a later message of a subject never overtakes an earlier one. Acks only after
 * the handler resolved.
 */
export class SubjectDispatcher {
  /** Queued messages of each subject not yet handed to the handler. */
  private readonly queues = new Map<string, Delivery[]>();
  /** Subjects with queued messages and no handler call in progress, oldest first. */
  private readonly waiting: string[] = [];
  private readonly active = new Set<string>();
  private running = 0;
  private buffered = 0;
  private stopped = false;
  private readonly maxBuffered: number;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly roomWaiters: Array<() => void> = [];

  constructor(
    private readonly handler: BatchHandler,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 1024;
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
    while (this.buffered >= this.maxBuffered && !this.stopped) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /** Stops starting handler calls and waits for those in progress; queued messages stay unacked. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.roomWaiters.splice(0).forEach((wake) => wake());
    while (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
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
      const subject = this.waiting.shift()!;
      const queue = this.queues.get(subject)!;
      batch.push(...queue.splice(0, this.options.maxBatch - batch.length));
      if (queue.length === 0) this.queues.delete(subject);
      this.active.add(subject);
      subjects.push(subject);
      if (!this.options.groupSubjects) break;
    }
    return { batch, subjects };
  }

  private async run(batch: Delivery[], subjects: string[]): Promise<void> {
    if (await this.handleWithRetry(batch)) {
      this.buffered -= batch.length;
      this.roomWaiters.splice(0).forEach((wake) => wake());
    }
    this.running--;
    for (const subject of subjects) {
      this.active.delete(subject);
      // What arrived for the subject meanwhile waits its turn behind the others.
      if (this.queues.has(subject)) this.waiting.push(subject);
    }
    if (this.running === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    this.schedule();
  }

  /** Returns false when the consumer stopped before the messages could be handled. */
  private async handleWithRetry(batch: Delivery[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handler(batch.map((d) => d.msg));
        await Promise.all(batch.map((d) => d.ack()));
        return true;
      } catch (err) {
        const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
        const first = batch[0]!.msg;
        this.logger.error(
          { err, stream: first.stream, subject: first.subject, seq: first.seq, batch: batch.length, retry_in_ms: delay },
          "event log handler failed; retrying",
        );
        if (this.stopped) return false;
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.stopped) return false;
      }
    }
  }
}
