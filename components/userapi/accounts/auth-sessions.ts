import type { Database } from "../../internal/database/database.js";
import { UserApiError } from "../api/errors.js";
import type { AuthSession, AuthSessionsApi, SessionParams } from "../api/userapi.js";
import { newSessionId } from "../devices/tokens.js";
import {
  addSessionStage,
  deleteAuthSession,
  deleteAuthSessionsOlderThan,
  finishAuthSession,
  insertAuthSession,
  selectAuthSession,
} from "../storage/auth-sessions.js";
import { hashPassword } from "./passwords.js";

/** How long a user-interactive auth session (or a registration nonce) stays usable. */
export const SESSION_LIFETIME_MS = 30 * 60_000;

/**
 * User-interactive auth sessions, kept in the database so that any clientapi replica can
 * continue a session another one started. Expired sessions are swept when new ones start.
 * A session remembers the parameters of the request that started it, a password only as
 * its hash, so that later stages may send only `auth`.
 */
export class AuthSessions implements AuthSessionsApi {
  constructor(private readonly db: Database) {}

  async createSession(operation: string, userId?: string, params?: SessionParams): Promise<string> {
    const now = Date.now();
    const passwordHash = params?.password === undefined ? null : await hashPassword(params.password);
    await deleteAuthSessionsOlderThan(this.db, now - SESSION_LIFETIME_MS);
    const sessionId = newSessionId();
    await insertAuthSession(this.db, sessionId, operation, userId ?? null, now, params?.fields ?? {}, passwordHash);
    return sessionId;
  }

  async getSession(sessionId: string): Promise<AuthSession | null> {
    const row = await selectAuthSession(this.db, sessionId, notBefore());
    if (!row) return null;
    return {
      sessionId: row.session_id,
      operation: row.operation,
      ...(row.user_id !== null && { userId: row.user_id }),
      completed: row.completed,
      createdTs: row.created_ts,
      params: row.params,
      hasPassword: row.has_password,
      ...(row.result !== null && { result: row.result }),
    };
  }

  async completeStage(sessionId: string, stage: string): Promise<string[]> {
    const completed = await addSessionStage(this.db, sessionId, stage, notBefore());
    if (!completed) throw new UserApiError("NOT_FOUND", "Unknown or expired session");
    return completed;
  }

  consumeSession(sessionId: string, operation: string): Promise<boolean> {
    return deleteAuthSession(this.db, sessionId, operation);
  }

  finishSession(sessionId: string, operation: string, result: Record<string, unknown>): Promise<boolean> {
    return finishAuthSession(this.db, sessionId, operation, result);
  }
}

/** Sessions created before this have expired. */
export const notBefore = () => Date.now() - SESSION_LIFETIME_MS;
