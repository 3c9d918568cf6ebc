import type { Database } from "../../database/database.js";
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
    const [row] = await db.query<{ max: number | null }>(
      "SELECT max(seq) AS max FROM eventlog_messages WHERE stream = $1",
      [name],
    );
    store.nextSeq = (row?.max ?? 0) + 1;
    return store;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  publish(subject: string, data: Uint8Array, headers: Record<string, string>, msgId: string | null) {
    return new Promise<{ seq: number; duplicate: boolean }>((resolve, reject) => {
      this.pending.push({ subject, data, headers, msgId, resolve, reject });
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
   * Writes a batch in one statement (no transaction around it: one round trip into PGlite
   * where BEGIN, a look-up, the insert and COMMIT made four). A message whose ID is stored
   * already is a duplicate and gets the stored sequence; the new ones take the next
   * sequences in order, with no gap. Repeats of an ID within the batch are duplicates of its
   * first occurrence.
   */
  private async write(batch: PendingPublish[]): Promise<{ seq: number; duplicate: boolean }[]> {
    const firstWithId = new Map<string, number>();
    const unique: number[] = []; // indexes of the batch that go to the database
    batch.forEach((p, i) => {
      if (p.msgId !== null && firstWithId.has(p.msgId)) return;
      if (p.msgId !== null) firstWithId.set(p.msgId, i);
      unique.push(i);
    });
    const values = valuesList(
      unique.map((i, ord) => {
        const p = batch[i]!;
        return [ord, p.subject, p.data, JSON.stringify(p.headers), p.msgId];
      }),
      { 0: "::int", 2: "::bytea", 3: "::jsonb", 4: "::text" },
    );
    const base = values.params.length + 1;
    const rows = await this.db.query<{ ord: number; seq: number; duplicate: boolean }>(
      `WITH v (ord, subject, data, headers, msg_id) AS (VALUES ${values.sql}),
       known AS (SELECT v.ord, m.seq FROM v JOIN eventlog_messages m ON m.stream = $${base + 1} AND m.msg_id = v.msg_id),
       fresh AS (
         SELECT v.*, $${base}::bigint + row_number() OVER (ORDER BY v.ord) - 1 AS seq
         FROM v WHERE NOT EXISTS (SELECT FROM known WHERE known.ord = v.ord)
       ),
       stored AS (
         INSERT INTO eventlog_messages (stream, seq, subject, data, headers, msg_id)
         SELECT $${base + 1}, seq, subject, data, headers, msg_id FROM fresh
       )
       SELECT ord, seq, false AS duplicate FROM fresh UNION ALL SELECT ord, seq, true FROM known`,
      [...values.params, this.nextSeq, this.name],
    );
    const byOrd = new Map(rows.map((r) => [Number(r.ord), { seq: Number(r.seq), duplicate: r.duplicate }]));
    const fresh: StoredMessage[] = [];
    const results = new Map<number, { seq: number; duplicate: boolean }>();
    unique.forEach((i, ord) => {
      const result = byOrd.get(ord)!;
      results.set(i, result);
      if (!result.duplicate) fresh.push({ seq: result.seq, subject: batch[i]!.subject, data: batch[i]!.data, headers: batch[i]!.headers });
    });
    // Only after the commit do the new sequences become visible to consumers.
    this.nextSeq += fresh.length;
    this.tail.push(...fresh.sort((a, b) => a.seq - b.seq));
    if (this.tail.length > TAIL_SIZE) this.tail = this.tail.slice(this.tail.length - TAIL_SIZE);
    return batch.map((p, i) => results.get(i) ?? { seq: results.get(firstWithId.get(p.msgId!)!)!.seq, duplicate: true });
  }
}
