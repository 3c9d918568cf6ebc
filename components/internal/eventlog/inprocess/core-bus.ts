import { randomBytes } from "node:crypto";
import { NoResponderError, TimeoutError, type RequestHandler } from "../eventlog.js";
import { subjectMatches } from "../subjects.js";

type Listener = (data: Uint8Array, headers: Record<string, string>) => void;

type Subscriber = (subject: string, data: Uint8Array) => void;

/**
 * In-memory core messaging (no persistence), as NATS core gives: request/reply to
 * responders, one-shot inboxes for verdicts on stream messages, and plain subscriptions.
 */
export class CoreBus {
  private readonly responders = new Map<string, RequestHandler[]>();
  private readonly listeners = new Map<string, Listener>();
  private readonly subscribers = new Map<Subscriber, string>();
  private nextResponder = 0;

  /** `handler` gets every message `publish` hands over on a subject matching `pattern`. */
  subscribe(pattern: string, handler: Subscriber): () => void {
    this.subscribers.set(handler, pattern);
    return () => this.subscribers.delete(handler);
  }

  /** Runs every matching subscriber's handler before returning. */
  publish(subject: string, data: Uint8Array): void {
    for (const [handler, pattern] of this.subscribers) if (subjectMatches(pattern, subject)) handler(subject, data);
  }

  serve(subject: string, handler: RequestHandler): () => void {
    const list = this.responders.get(subject) ?? [];
    list.push(handler);
    this.responders.set(subject, list);
    return () => {
      const remaining = (this.responders.get(subject) ?? []).filter((h) => h !== handler);
      if (remaining.length) this.responders.set(subject, remaining);
      else this.responders.delete(subject);
    };
  }

  async request(subject: string, data: Uint8Array, timeoutMs: number, headers: Record<string, string> = {}) {
    const list = this.responders.get(subject);
    if (!list || list.length === 0) throw new NoResponderError(subject);
    const handler = list[this.nextResponder++ % list.length]!;
    return withTimeout(handler(data, headers), timeoutMs, `request on ${subject}`);
  }

  /** A fresh inbox subject and a promise of the first message sent to it. */
  inbox(timeoutMs: number, what: string): { subject: string; reply: Promise<Uint8Array>; cancel: () => void } {
    const subject = `_INBOX.${randomBytes(12).toString("hex")}`;
    let cancel = () => {};
    const reply = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(subject);
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.listeners.set(subject, (data) => {
        clearTimeout(timer);
        this.listeners.delete(subject);
        resolve(data);
      });
      cancel = () => {
        clearTimeout(timer);
        this.listeners.delete(subject);
      };
    });
    return { subject, reply, cancel };
  }

  send(subject: string, data: Uint8Array): void {
    this.listeners.get(subject)?.(data, {});
  }
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
