import { LruMap } from "../cache/lru-map.js";
import type { Migration } from "../database/migrations.js";
import type { Queryable, Statement } from "../database/database.js";
import type { LogMessage } from "./eventlog.js";

/**
 * Exactly-once effects on top of at-least-once delivery: a consumer claims each message's
 * sequence in the same transaction as its effects. A redelivered message (its sequence at
 * or below the one recorded for its subject) is recognised and skipped. Per subject,
 * because the log delivers each subject in order but subjects interleave.
 */
export const APPLIED_SEQUENCES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "applied sequences per consumer and subject",
    up: `CREATE TABLE eventlog_applied_sequences (
      consumer TEXT NOT NULL,
      subject TEXT NOT NULL,
      seq BIGINT NOT NULL,
      PRIMARY KEY (consumer, subject)
    )`,
  },
];

/** Returns true if the message is new for this consumer (and records it), false if already applied. */
export async function claimSequence(tx: Queryable, consumer: string, msg: LogMessage): Promise<boolean> {
  const changed = await tx.execute(
    `INSERT INTO eventlog_applied_sequences (consumer, subject, seq) VALUES ($1, $2, $3)
     ON CONFLICT (consumer, subject) DO UPDATE SET seq = EXCLUDED.seq
     WHERE eventlog_applied_sequences.seq < EXCLUDED.seq`,
    [consumer, msg.subject, msg.seq],
  );
  return changed === 1;
}

/**
 * The batch form of claimSequence, for messages of one subject or several (each subject's
 * in sequence order, subjects in any interleaving): returns, in the order given, the
 * messages not yet applied, and records each subject's highest sequence, in the caller's
 * transaction. One statement, unless another transaction of the same consumer recorded one
 * of the subjects for the first time meanwhile (two instances of one durable consumer):
 * then one more for those subjects.
 */
export async function claimSequences(tx: Queryable, consumer: string, msgs: readonly LogMessage[]): Promise<LogMessage[]> {
  if (msgs.length === 0) return [];
  const highest = highestPerSubject(msgs);
  const applied = await claimHighest(tx, consumer, highest);
  const missing = new Map([...highest].filter(([subject]) => !applied.has(subject)));
  if (missing.size > 0) {
    // Their rows were committed after this statement's snapshot: the next one sees them.
    for (const [subject, previous] of await claimHighest(tx, consumer, missing)) applied.set(subject, previous);
    const lost = [...missing.keys()].filter((subject) => !applied.has(subject));
    if (lost.length > 0) throw new Error(`could not claim the sequences of ${lost.join(", ")} for ${consumer}`);
  }
  return msgs.filter((m) => m.seq > applied.get(m.subject)!);
}

/**
 * Raises each subject's recorded sequence to at least the one given and returns the one
 * recorded before (0 for a subject new to the consumer). PostgreSQL has no RETURNING of a
 * row's old values before version 18, so:
 * - `upd` updates the existing rows joined with a FOR UPDATE sub-select of the same rows.
 *   A join row is formed before its target row is updated, so `old` holds the values
 *   before this statement; FOR UPDATE makes it wait for, and then read, a concurrent
 *   transaction's committed value (READ COMMITTED re-reads the newest version of a
 *   locked row), which the update then raises. Only this consumer's rows are read or
 *   locked: other consumers never wait on this one.
 * - `ins` inserts the subjects `upd` did not find (it reads `upd`, so it runs after it).
 *   A row another transaction inserted after this statement's snapshot is a conflict:
 *   nothing is done and nothing returned for it, and the caller asks again.
 * Subjects must be distinct (one join row per target row).
 */
async function claimHighest(tx: Queryable, consumer: string, highest: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const rows = await tx.query<{ subject: string; previous: number }>(
    `WITH v (subject, seq) AS (SELECT * FROM unnest($2::text[], $3::bigint[])),
     upd AS (
       UPDATE eventlog_applied_sequences a SET seq = GREATEST(a.seq, v.seq)
       FROM v, (SELECT subject, seq FROM eventlog_applied_sequences
                WHERE consumer = $1 AND subject = ANY($2::text[]) FOR UPDATE) old
       WHERE a.consumer = $1 AND a.subject = v.subject AND old.subject = v.subject
       RETURNING v.subject, old.seq AS previous
     ),
     ins AS (
       INSERT INTO eventlog_applied_sequences (consumer, subject, seq)
       SELECT $1, v.subject, v.seq FROM v WHERE NOT EXISTS (SELECT FROM upd WHERE upd.subject = v.subject)
       ON CONFLICT (consumer, subject) DO NOTHING
       RETURNING subject, 0::bigint AS previous
     )
     SELECT subject, previous FROM upd UNION ALL SELECT subject, previous FROM ins`,
    [consumer, [...highest.keys()], [...highest.values()]],
  );
  return new Map(rows.map((r) => [r.subject, Number(r.previous)]));
}

/** Each subject's highest sequence among the messages. */
function highestPerSubject(msgs: readonly LogMessage[]): Map<string, number> {
  const highest = new Map<string, number>();
  for (const m of msgs) highest.set(m.subject, Math.max(highest.get(m.subject) ?? 0, m.seq));
  return highest;
}

/**
 * The write half of claimSequences without its answer, for effects that are no-ops when
 * repeated (inserts keyed by event ID): raises each subject's recorded sequence to the
 * batch's highest, as a statement to run with the effects. The consumer learns nothing from
 * it, so it need not read first: a batch of such effects is one statement in all.
 */
export function raiseAppliedStatement(consumer: string, msgs: readonly LogMessage[]): Statement {
  const highest = highestPerSubject(msgs);
  return {
    sql: `INSERT INTO eventlog_applied_sequences (consumer, subject, seq)
          SELECT $1, v.subject, v.seq FROM unnest($2::text[], $3::bigint[]) AS v(subject, seq)
          ON CONFLICT (consumer, subject) DO UPDATE SET seq = GREATEST(eventlog_applied_sequences.seq, EXCLUDED.seq)`,
    params: [consumer, [...highest.keys()], [...highest.values()]],
  };
}

/** Each subject's recorded sequence; a subject without a row is absent. */
async function selectRecorded(q: Queryable, consumer: string, subjects: readonly string[]): Promise<Map<string, number>> {
  const rows = await q.query<{ subject: string; seq: number }>(
    "SELECT subject, seq FROM eventlog_applied_sequences WHERE consumer = $1 AND subject = ANY($2::text[])",
    [consumer, subjects],
  );
  return new Map(rows.map((r) => [r.subject, Number(r.seq)]));
}

/** Which messages are new, given the recorded sequences (`seen`), and the writes that record the batch's. */
function appliedWrites(
  consumer: string,
  msgs: readonly LogMessage[],
  highest: ReadonlyMap<string, number>,
  seen: ReadonlyMap<string, number>,
) {
  const raised = [...highest].filter(([subject, seq]) => seq > (seen.get(subject) ?? 0));
  const known = raised.filter(([subject]) => seen.has(subject));
  const added = raised.filter(([subject]) => !seen.has(subject));
  const writes: Statement[] = [];
  if (known.length > 0) {
    writes.push({
      sql: `UPDATE eventlog_applied_sequences a SET seq = v.seq + 0 * (1 / (CASE WHEN a.seq = v.seen THEN 1 ELSE 0 END))
            FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS v(subject, seq, seen)
            WHERE a.consumer = $1 AND a.subject = v.subject`,
      params: [consumer, known.map(([s]) => s), known.map(([, seq]) => seq), known.map(([s]) => seen.get(s)!)],
    });
  }
  if (added.length > 0) {
    writes.push({
      sql: `INSERT INTO eventlog_applied_sequences (consumer, subject, seq)
            SELECT $1, v.subject, v.seq FROM unnest($2::text[], $3::bigint[]) AS v(subject, seq)`,
      params: [consumer, added.map(([s]) => s), added.map(([, seq]) => seq)],
    });
  }
  return { fresh: msgs.filter((m) => m.seq > (seen.get(m.subject) ?? 0)), writes, raised };
}

/** Subjects whose recorded sequence AppliedSequencesMemory keeps. */
const SUBJECTS_KEPT = 100_000;

/**
 * claimSequences in two halves, for a consumer that writes everything at its end: the read
 * (no lock, no transaction: it may run beside other reads) tells which messages are new, and
 * the writes, made with the effects, record the subjects' new highest sequences. The writes
 * check that nothing was recorded in between: a subject's row must still hold the sequence
 * read, or an absent one still be absent; otherwise the statement fails (division by zero, or
 * a duplicate key) and nothing of the batch is written.
 *
 * One per durable consumer, whose one running instance knows what it recorded itself: told
 * after each commit and forgotten after a failure, so it asks the database only for subjects
 * it has not seen, and a batch of known subjects reads nothing before its commit. Should the
 * memory be wrong (a second instance), the writes' check fails the batch, and the next read
 * asks again.
 */
export class AppliedSequencesMemory {
  /** A subject's recorded sequence; null: no row. */
  private readonly recorded = new LruMap<string, number | null>(SUBJECTS_KEPT);

  constructor(private readonly consumer: string) {}

  /**
   * The batch's new messages and the writes to make with its effects; the caller then reports
   * the outcome: `committed` once the writes committed, `failed` if they did not (or may not have).
   */
  async read(
    q: Queryable,
    msgs: readonly LogMessage[],
  ): Promise<{ fresh: LogMessage[]; writes: Statement[]; committed: () => void; failed: () => void }> {
    const highest = highestPerSubject(msgs);
    const seen = new Map<string, number>();
    const unknown: string[] = [];
    for (const subject of highest.keys()) {
      const seq = this.recorded.get(subject);
      if (seq === undefined) unknown.push(subject);
      else if (seq !== null) seen.set(subject, seq);
    }
    if (unknown.length > 0) {
      const fromDatabase = await selectRecorded(q, this.consumer, unknown);
      for (const subject of unknown) {
        const seq = fromDatabase.get(subject);
        if (seq !== undefined) seen.set(subject, seq);
        this.recorded.set(subject, seq ?? null);
      }
    }
    const { fresh, writes, raised } = appliedWrites(this.consumer, msgs, highest, seen);
    return {
      fresh,
      writes,
      committed: () => raised.forEach(([subject, seq]) => this.recorded.set(subject, seq)),
      failed: () => highest.forEach((_, subject) => this.recorded.delete(subject)),
    };
  }
}
