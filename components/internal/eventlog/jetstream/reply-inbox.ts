import { createInbox, type Msg, type NatsConnection, type Subscription } from "nats";
import { TimeoutError } from "../eventlog.js";

interface Waiter {
  resolve(msg: Msg): void;
  timer: NodeJS.Timeout;
}

/**
 * One wildcard subscription for every answer this connection waits for (verdicts, and the
 * stream's acknowledgements of publishes), each under its own token: a subscription per
 * published message would cost a SUB and an UNSUB at the server for every input a writer sends.
 */
export class ReplyInbox {
  private readonly prefix = createInbox();
  private readonly waiters = new Map<string, Waiter>();
  private subscription: Subscription | null = null;
  private next = 0;

  constructor(private readonly nc: NatsConnection) {}

  /** A subject to put in the message's reply header, and the promise of its answer. */
  expect(timeoutMs: number, what: string): { subject: string; reply: Promise<Uint8Array>; cancel(): void } {
    const pending = this.expectMessage(timeoutMs, what);
    return { ...pending, reply: pending.reply.then((msg) => msg.data) };
  }

  /** As expect, with the whole answering message (its headers carry a no-responders status). */
  expectMessage(timeoutMs: number, what: string): { subject: string; reply: Promise<Msg>; cancel(): void } {
    this.subscription ??= this.nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const token = msg.subject.slice(this.prefix.length + 1);
        const waiter = this.waiters.get(token);
        if (!waiter) return;
        this.waiters.delete(token);
        clearTimeout(waiter.timer);
        waiter.resolve(msg);
      },
    });
    const token = (this.next++).toString(36);
    let cancel = () => {};
    const reply = new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(token);
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiters.set(token, { resolve, timer });
      cancel = () => {
        clearTimeout(timer);
        this.waiters.delete(token);
      };
    });
    return { subject: `${this.prefix}.${token}`, reply, cancel };
  }

  close(): void {
    this.subscription?.unsubscribe();
    for (const waiter of this.waiters.values()) clearTimeout(waiter.timer);
    this.waiters.clear();
  }
}
