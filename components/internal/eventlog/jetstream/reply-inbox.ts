import { createInbox, type MsgHdrs, type NatsConnection, type Subscription } from "nats";
import { TimeoutError } from "../eventlog.js";

/** What arrives for one waiter: its data, and the headers of the NATS message that carried it alone. */
export interface InboxAnswer {
  data: Uint8Array;
  headers?: MsgHdrs;
}

interface Waiter {
  resolve(answer: InboxAnswer): void;
  timer: NodeJS.Timeout;
}

/**
 * The token of a message that carries answers for several waiters of one inbox (see
 * encodeBatchedReplies); waiters' tokens are base-36 numbers, so it is never one of theirs.
 */
export const BATCHED_REPLIES = "_batch";

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
    return { ...pending, reply: pending.reply.then((answer) => answer.data) };
  }

  /** As expect, with the answer's headers too (they carry a no-responders status). */
  expectMessage(timeoutMs: number, what: string): { subject: string; reply: Promise<InboxAnswer>; cancel(): void } {
    this.subscription ??= this.nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const token = msg.subject.slice(this.prefix.length + 1);
        if (token === BATCHED_REPLIES) {
          for (const [each, data] of decodeBatchedReplies(msg.data)) this.answer(each, { data });
        } else {
          this.answer(token, { data: msg.data, headers: msg.headers });
        }
      },
    });
    const token = (this.next++).toString(36);
    let cancel = () => {};
    const reply = new Promise<InboxAnswer>((resolve, reject) => {
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

  private answer(token: string, answer: InboxAnswer): void {
    const waiter = this.waiters.get(token);
    if (!waiter) return;
    this.waiters.delete(token);
    clearTimeout(waiter.timer);
    waiter.resolve(answer);
  }
}

/** Several answers for one inbox in one payload: per answer, a u16 token length, the token, a u32 data length, the data. */
export function encodeBatchedReplies(answers: readonly (readonly [token: string, data: Uint8Array])[]): Uint8Array {
  const tokens = answers.map(([token]) => Buffer.from(token, "utf8"));
  const size = answers.reduce((n, [, data], i) => n + 6 + tokens[i]!.length + data.length, 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  answers.forEach(([, data], i) => {
    at = out.writeUInt16BE(tokens[i]!.length, at);
    at += tokens[i]!.copy(out, at);
    at = out.writeUInt32BE(data.length, at);
    out.set(data, at);
    at += data.length;
  });
  return out;
}

export function decodeBatchedReplies(payload: Uint8Array): [string, Uint8Array][] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const out: [string, Uint8Array][] = [];
  for (let at = 0; at + 6 <= buf.length;) {
    const tokenLength = buf.readUInt16BE(at);
    const token = buf.toString("utf8", at + 2, at + 2 + tokenLength);
    at += 2 + tokenLength;
    const dataLength = buf.readUInt32BE(at);
    at += 4;
    out.push([token, buf.subarray(at, at + dataLength)]);
    at += dataLength;
  }
  return out;
}
