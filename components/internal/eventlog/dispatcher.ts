import type { Logger } from "../logging/logger.js";
import type { BatchHandler, LogMessage } from "./eventlog.js";

/** A delivered message and how to acknowledge it to the log it came from. */
export interface Delivery {
  readonly msg: LogMessage;
  ack(): void | Promise<void>;
}

const RETRY_DELAYS_MS = [50, 100, 250, 500, 1000, 2000, 5000];

/**
 * Runs a consumer's handler with the ordering both log implementations promise: one
 * subject's messages one after another in sequence order, different subjects in parallel
 * up to a limit. Messages of a subject that queued up meanwhile are handed over together
 * (up to maxBatch), so a consumer can apply them in one transaction. A failing handler is
 * retried in place, so a later message of the same subject never overtakes it. Acks only
 * after the handler resolved.
 */
export class SubjectDispatcher {
  private readonly queues = new Map<string, Delivery[]>();
  private readonly waitingSubjects: string[] = [];
  private readonly active = new Set<string>();
  private buffered = 0;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly roomWaiters: Array<() => void> = [];

  constructor(
    private readonly handler: BatchHandler,
    private readonly logger: Logger,
    private readonly maxConcurrentSubjects: number,
    /** The most messages of one subject handed to the handler at once. */
    private readonly maxBatch = 1,
    /** How many delivered but unfinished messages to hold before the reader should pause. */
    private readonly maxBuffered = 1024,
  ) {}

  push(delivery: Delivery): void {
    if (this.stopped) return;
    const subject = delivery.msg.subject;
    let queue = this.queues.get(subject);
    if (!queue) {
      queue = [];
      this.queues.set(subject, queue);
      if (!this.active.has(subject)) this.waitingSubjects.push(subject);
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

  /** Stops starting handlers and waits for those in progress; queued messages stay unacked. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.roomWaiters.splice(0).forEach((wake) => wake());
    while (this.active.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    while (!this.stopped && this.active.size < this.maxConcurrentSubjects && this.waitingSubjects.length > 0) {
      const subject = this.waitingSubjects.shift()!;
      this.active.add(subject);
      void this.drainSubject(subject);
    }
  }

  private async drainSubject(subject: string): Promise<void> {
    const queue = this.queues.get(subject)!;
    while (queue.length > 0 && !this.stopped) {
      const batch = queue.slice(0, this.maxBatch);
      if (!(await this.handleWithRetry(batch))) break;
      queue.splice(0, batch.length);
      this.buffered -= batch.length;
      this.roomWaiters.splice(0).forEach((wake) => wake());
    }
    if (queue.length === 0) this.queues.delete(subject);
    else if (!this.stopped) this.waitingSubjects.push(subject);
    this.active.delete(subject);
    if (this.active.size === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
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
