import type { Queryable } from "../../internal/database/database.js";

/** userapi_auth_sessions: user-interactive auth sessions, shared by every clientapi replica. */

export interface AuthSessionRow {
  session_id: string;
  operation: string;
  user_id: string | null;
  completed: string[];
  created_ts: number;
  params: Record<string, unknown>;
  has_password: boolean;
  result: Record<string, unknown> | null;
}

export async function insertAuthSession(
  q: Queryable,
  sessionId: string,
  operation: string,
  userId: string | null,
  now: number,
  params: Record<string, unknown> = {},
  passwordHash: string | null = null,
): Promise<void> {
  await q.execute(
    `INSERT INTO userapi_auth_sessions (session_id, operation, user_id, created_ts, params, password_hash)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [sessionId, operation, userId, now, JSON.stringify(params), passwordHash],
  );
}

/** The session if it was created at or after `notBefore`. */
export async function selectAuthSession(q: Queryable, sessionId: string, notBefore: number): Promise<AuthSessionRow | null> {
  const rows = await q.query<AuthSessionRow & Record<string, unknown>>(
    `SELECT session_id, operation, user_id, completed, created_ts, params, password_hash IS NOT NULL AS has_password, result
     FROM userapi_auth_sessions WHERE session_id = $1 AND created_ts >= $2`,
    [sessionId, notBefore],
  );
  return rows[0] ?? null;
}

/** The hash of the password the session's first request gave, if it gave one. */
export async function selectSessionPasswordHash(q: Queryable, sessionId: string, notBefore: number): Promise<string | null> {
  const rows = await q.query<{ password_hash: string | null }>(
    "SELECT password_hash FROM userapi_auth_sessions WHERE session_id = $1 AND created_ts >= $2",
    [sessionId, notBefore],
  );
  return rows[0]?.password_hash ?? null;
}

/** Appends a stage unless already there; returns the completed stages, or null if no session. */
export async function addSessionStage(q: Queryable, sessionId: string, stage: string, notBefore: number): Promise<string[] | null> {
  const rows = await q.query<{ completed: string[] }>(
    `UPDATE userapi_auth_sessions
     SET completed = CASE WHEN completed ? $2 THEN completed ELSE completed || to_jsonb($2::text) END
     WHERE session_id = $1 AND created_ts >= $3
     RETURNING completed`,
    [sessionId, stage, notBefore],
  );
  return rows[0]?.completed ?? null;
}

/** Records the operation's result; the password hash is needed no more. False if no such session. */
export async function finishAuthSession(
  q: Queryable,
  sessionId: string,
  operation: string,
  result: Record<string, unknown>,
): Promise<boolean> {
  const changed = await q.execute(
    "UPDATE userapi_auth_sessions SET result = $3::jsonb, password_hash = NULL WHERE session_id = $1 AND operation = $2",
    [sessionId, operation, JSON.stringify(result)],
  );
  return changed === 1;
}

/** False if no such session of that operation. */
export async function deleteAuthSession(q: Queryable, sessionId: string, operation: string): Promise<boolean> {
  return (await q.execute("DELETE FROM userapi_auth_sessions WHERE session_id = $1 AND operation = $2", [sessionId, operation])) === 1;
}

export async function deleteAuthSessionsOlderThan(q: Queryable, cutoff: number): Promise<void> {
  await q.execute("DELETE FROM userapi_auth_sessions WHERE created_ts < $1", [cutoff]);
}
