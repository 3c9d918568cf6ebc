import { randomBytes } from "node:crypto";
import { NoResponderError, TimeoutError, type RequestHandler } from "../eventlog.js";

type Listener = (data: Uint8Array, headers: Record<string, string>) => void;

/**
 * In-memory core messaging (no persistence), as NATS core gives: request/reply to
 * responders, and one-shot inboxes for verdicts on stream messages.
 */
export class CoreBus {
  private readonly responders = new Map<string, RequestHandler[]>();
  private readonly listeners = new Map<string, Listener>();
  private nextResponder = 0;

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
