import type { Database } from "../../database/database.js";
import { UNFLUSHED_COMMIT } from "../../database/unflushed-commit.js";
import { valuesList } from "../../database/values-list.js";

export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Record<string, string>;
}

interface PendingPublish {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  msgId: string | null;
  /** Whether the message must be on disk before the publish resolves. */
  flush: boolean;
  resolve: (result: { seq: number; duplicate: boolean }) => void;
  reject: (err: unknown) => void;
}

/** How many of a stream's newest messages stay in memory, so caught-up consumers skip the database. */
const TAIL_SIZE = 4096;
const READ_BATCH = 256;

/**
 * One stream of the in-process log. Publishes that arrive together are written in one
 * transaction (one multi-row INSERT), and their promises resolve only after it commits,
 * so an acknowledged publish is durable. Consumers are woken directly, never by polling.
 */
export class StreamStore {
  private nextSeq = 1;
  private tail: StoredMessage[] = [];
  private pending: PendingPublish[] = [];
  private flushing: Promise<void> | null = null;
  private readonly wakers = new Set<() => void>();

  private constructor(
    private readonly db: Database,
    readonly name: string,
  ) {}

  static async open(db: Database, name: string): Promise<StreamStore> {
    await db.execute("INSERT INTO eventlog_streams (name) VALUES ($1) ON CONFLICT DO NOTHING", [name]);
    const store = new StreamStore(db, name);
    const [row] = await db.query<{ max: number | null }>("SELECT max(seq) AS max FROM eventlog_messages WHERE stream = $1", [name]);
    store.nextSeq = (row?.max ?? 0) + 1;
    return store;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * With `flush`, the publish resolves once its message is on disk. Without, once committed
   * in memory, for a publisher that does not rely on it being stored: one that learns its
   * fate from a verdict (the consumer's commit that answers it flushes the log's WAL up to
   * it, so no verdict speaks of a message a crash could lose), or one that keeps its own
   * copy until a later write (log.ts).
   */
  publish(subject: string, data: Uint8Array, headers: Record<string, string>, msgId: string | null, flush = true) {
    return new Promise<{ seq: number; duplicate: boolean }>((resolve, reject) => {
      this.pending.push({ subject, data, headers, msgId, flush, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Messages from `fromSeq` on, oldest first, at most one batch. */
  async read(fromSeq: number): Promise<StoredMessage[]> {
    if (fromSeq > this.lastSeq) return [];
    const first = this.tail[0];
    if (first && fromSeq >= first.seq) {
      const start = fromSeq - first.seq;
      return this.tail.slice(start, start + READ_BATCH);
    }
    const rows = await this.db.query<{ seq: number; subject: string; data: Uint8Array; headers: Record<string, string> }>(
      "SELECT seq, subject, data, headers FROM eventlog_messages WHERE stream = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
      [this.name, fromSeq, READ_BATCH],
    );
    return rows;
  }

  /** Calls `wake` after every committed publish until the returned function is called. */
  onPublish(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  /** Waits for publishes in progress (close). */
  async settle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    // Let publishes of the same tick join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 500);
      try {
        const results = await this.write(batch);
        batch.forEach((p, i) => p.resolve(results[i]!));
        this.wakers.forEach((wake) => wake());
      } catch (err) {
        batch.forEach((p) => p.reject(err));
      }
    }
    this.flushing = null;
  }

  /**
   * Writes a batch as at most two plain statements and no transaction: which of its message
   * IDs are stored already (only when it has any), then one INSERT of the new messages at
   * the next sequences, in order and without gaps. The stream has this one writer, so
   * nothing comes between the two; the unique message-ID index would refuse a duplicate if
   * it did. (In PGlite each statement is planned afresh: two simple ones cost half of what
   * one statement doing both did, and a transaction around them adds two passes more.)
   * Repeats of an ID within the batch are duplicates of its first occurrence.
   */
  private async write(batch: PendingPublish[]): Promise<{ seq: number; duplicate: boolean }[]> {
    const ids = [...new Set(batch.flatMap((p) => (p.msgId === null ? [] : [p.msgId])))];
    const known = new Map<string, number>();
    if (ids.length > 0) {
      const rows = await this.db.query<{ msg_id: string; seq: number }>(
        "SELECT msg_id, seq FROM eventlog_messages WHERE stream = $1 AND msg_id = ANY($2::text[])",
        [this.name, ids],
      );
      for (const r of rows) known.set(r.msg_id, Number(r.seq));
    }
    let seq = this.nextSeq;
    const fresh: StoredMessage[] = [];
    const rows: unknown[][] = [];
    const results = batch.map((p) => {
      const existing = p.msgId === null ? undefined : known.get(p.msgId);
      if (existing !== undefined) return { seq: existing, duplicate: true };
      if (p.msgId !== null) known.set(p.msgId, seq);
      fresh.push({ seq, subject: p.subject, data: p.data, headers: p.headers });
      rows.push([this.name, seq, p.subject, p.data, JSON.stringify(p.headers), p.msgId]);
      return { seq: seq++, duplicate: false };
    });
    if (rows.length > 0) {
      const values = valuesList(rows);
      const unflushed = batch.every((p) => !p.flush) ? UNFLUSHED_COMMIT : "";
      await this.db.execute(
        `INSERT INTO eventlog_messages (stream, seq, subject, data, headers, msg_id) VALUES ${values.sql} ${unflushed}`,
        values.params,
      );
    }
    // Only once stored do the new sequences become visible to consumers.
    this.nextSeq = seq;
    this.tail.push(...fresh);
    if (this.tail.length > TAIL_SIZE) this.tail = this.tail.slice(this.tail.length - TAIL_SIZE);
    return results;
  }
}
