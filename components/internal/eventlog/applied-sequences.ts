import type { Migration } from "../database/migrations.js";
import type { Queryable } from "../database/database.js";
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
 * The batch form of claimSequence, for messages of one subject in sequence order: returns
 * those not yet applied and records the highest, in the caller's transaction. Usually one
 * statement: the update's FROM sub-select sees the row as it was before the update.
 */
export async function claimSequences(tx: Queryable, consumer: string, msgs: readonly LogMessage[]): Promise<LogMessage[]> {
  if (msgs.length === 0) return [];
  const last = msgs[msgs.length - 1]!;
  const params = [consumer, last.subject, last.seq];
  let applied: number | undefined = (
    await tx.query<{ previous: number }>(
      `UPDATE eventlog_applied_sequences a SET seq = GREATEST(a.seq, $3)
       FROM (SELECT seq FROM eventlog_applied_sequences WHERE consumer = $1 AND subject = $2 FOR UPDATE) old
       WHERE a.consumer = $1 AND a.subject = $2
       RETURNING old.seq AS previous`,
      params,
    )
  )[0]?.previous;
  if (applied === undefined) {
    // The subject's first message for this consumer.
    await tx.execute("INSERT INTO eventlog_applied_sequences (consumer, subject, seq) VALUES ($1, $2, $3)", params);
    applied = 0;
  }
  return msgs.filter((m) => m.seq > applied!);
}
