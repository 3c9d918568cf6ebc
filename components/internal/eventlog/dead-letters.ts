import type { Database } from "../database/database.js";
import type { Migration } from "../database/migrations.js";
import { storableText } from "../database/storable-text.js";
import type { LogMessage } from "./eventlog.js";
import { countDeadLetter } from "../metrics/eventlog-metrics.js";

/**
 * Dead letters: messages a durable consumer gave up on. A message whose handler fails alone
 * (not as part of a batch, and not for a reason outside the message: see transient-errors.ts)
 * has each failure counted here; at the consumer's attempt limit it is marked dead, its
 * writer (if one waits) gets the consumer's rejection, and it is acknowledged, so its
 * subject moves on. The count lives in the database the log was opened with (the consuming
 * process's own: PGlite in the monolith, each component's PostgreSQL database in the
 * polylith), beside eventlog_applied_sequences, so a restart carries on counting where the
 * last process stopped instead of granting a poisoned message a fresh set of attempts.
 *
 * Rows with dead_lettered_at NULL are messages still being retried; a message that later
 * succeeds has its row removed.
 */
export const DEAD_LETTER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "dead letters per consumer and stream sequence",
    up: `CREATE TABLE eventlog_dead_letters (
      -- the durable consumer's name, which starts with its component's ("roomserver-input")
      consumer TEXT NOT NULL,
      stream TEXT NOT NULL,
      seq BIGINT NOT NULL,
      subject TEXT NOT NULL,
      payload BYTEA NOT NULL,
      -- the last failure's message
      error TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      first_failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      last_failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      dead_lettered_at TIMESTAMPTZ,
      PRIMARY KEY (consumer, stream, seq)
    )`,
  },
];

/** The outcome of counting a failure. */
export type FailureCount =
  /** Still below the limit: retry. */
  | { kind: "retry"; attempts: number }
  /** This failure reached the limit: the message is dead now. */
  | { kind: "dead"; attempts: number }
  /** Dead before (a redelivery whose acknowledgement was lost): skip it quietly. */
  | { kind: "dead-before" };

/** Where a consumer's failures are counted. */
export interface DeadLetterStore {
  countFailure(consumer: string, msg: LogMessage, error: string, maxAttempts: number): Promise<FailureCount>;
  /** Forgets the failures of messages that then succeeded. */
  clear(consumer: string, stream: string, seqs: readonly number[]): Promise<void>;
  /** Sequences with failures counted and not dead (what a previous process left). */
  pending(consumer: string, stream: string): Promise<number[]>;
}

/** The store in a database (the table above; openEventLog migrates it). */
export class DeadLetterTable implements DeadLetterStore {
  constructor(private readonly db: Database) {}

  async countFailure(consumer: string, msg: LogMessage, error: string, maxAttempts: number): Promise<FailureCount> {
    // One statement: the row of a message already dead is left alone and returns nothing.
    const rows = await this.db.query<{ attempts: number; dead: boolean }>(
      `INSERT INTO eventlog_dead_letters AS d (consumer, stream, seq, subject, payload, error, attempts, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, 1, CASE WHEN $7::int <= 1 THEN now() END)
       ON CONFLICT (consumer, stream, seq) DO UPDATE SET
         attempts = d.attempts + 1,
         error = EXCLUDED.error,
         last_failed_at = now(),
         dead_lettered_at = CASE WHEN d.attempts + 1 >= $7::int THEN now() END
       WHERE d.dead_lettered_at IS NULL
       RETURNING attempts, dead_lettered_at IS NOT NULL AS dead`,
      [consumer, msg.stream, msg.seq, storableText(msg.subject), Buffer.from(msg.data), storableText(error), maxAttempts],
    );
    const row = rows[0];
    if (!row) return { kind: "dead-before" };
    return { kind: row.dead ? "dead" : "retry", attempts: Number(row.attempts) };
  }

  async clear(consumer: string, stream: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.execute(
      "DELETE FROM eventlog_dead_letters WHERE consumer = $1 AND stream = $2 AND seq = ANY($3::bigint[]) AND dead_lettered_at IS NULL",
      [consumer, stream, seqs],
    );
  }

  async pending(consumer: string, stream: string): Promise<number[]> {
    const rows = await this.db.query<{ seq: number }>(
      "SELECT seq FROM eventlog_dead_letters WHERE consumer = $1 AND stream = $2 AND dead_lettered_at IS NULL",
      [consumer, stream],
    );
    return rows.map((r) => Number(r.seq));
  }
}

/** What a dead-lettered message was, for the hook below. */
export interface DeadLetterNotice {
  readonly consumer: string;
  readonly stream: string;
  readonly subject: string;
  readonly seq: number;
  readonly attempts: number;
  readonly error: string;
}

type DeadLetterListener = (notice: DeadLetterNotice) => void;

const listeners = new Set<DeadLetterListener>();
let deadLettered = 0;

/**
 * Hears every message dead-lettered in this process (for metrics); returns the way to stop
 * hearing. A listener that throws is ignored.
 */
export function onDeadLetter(listener: DeadLetterListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** How many messages this process dead-lettered since it started. */
export function deadLetterCount(): number {
  return deadLettered;
}

export function announceDeadLetter(notice: DeadLetterNotice): void {
  deadLettered++;
  countDeadLetter(notice.stream, notice.consumer);
  for (const listener of listeners) {
    try {
      listener(notice);
    } catch {
      // a metrics hook must never stop the consumer
    }
  }
}

/** Attempts a message gets before it is dead-lettered, unless event_log.max_delivery_attempts says otherwise. */
export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;

/**
 * Counts in memory, for a log opened without a database (tools, tests, benches): the limit
 * and the skip hold, but a restart forgets the count and nothing records the message.
 */
export class MemoryDeadLetters implements DeadLetterStore {
  private readonly attempts = new Map<string, number>();

  async countFailure(consumer: string, msg: LogMessage, _error: string, maxAttempts: number): Promise<FailureCount> {
    const key = `${consumer}\u0001${msg.stream}\u0001${msg.seq}`;
    const before = this.attempts.get(key) ?? 0;
    if (before >= maxAttempts) return { kind: "dead-before" };
    this.attempts.set(key, before + 1);
    return { kind: before + 1 >= maxAttempts ? "dead" : "retry", attempts: before + 1 };
  }

  async clear(consumer: string, stream: string, seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) this.attempts.delete(`${consumer}\u0001${stream}\u0001${seq}`);
  }

  async pending(): Promise<number[]> {
    return [];
  }
}
