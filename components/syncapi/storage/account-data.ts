import type { Queryable } from "../../internal/database/database.js";

/** The global account data that names the users whose events a user does not want to see. */
export const IGNORED_USER_LIST = "m.ignored_user_list";

export interface AccountDataRow {
  roomId: string;
  type: string;
  content: Record<string, unknown>;
}

/* syncapi_account_data: the latest account data of each user, type and room ('' for global). */

export async function upsertAccountData(tx: Queryable, userId: string, roomId: string, type: string, content: string): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    `INSERT INTO syncapi_account_data (user_id, room_id, type, content, position) VALUES ($1, $2, $3, $4, nextval('syncapi_account_data_seq'))
     ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = EXCLUDED.content, position = EXCLUDED.position RETURNING position`,
    [userId, roomId, type, content],
  );
  return Number(row!.position);
}

export async function selectAccountDataChanged(q: Queryable, userId: string, after: number, upTo: number): Promise<AccountDataRow[]> {
  if (after >= upTo) return []; // nothing can be in an empty range: no query
  const rows = await q.query<{ room_id: string; type: string; content: string }>(
    "SELECT room_id, type, content FROM syncapi_account_data WHERE user_id = $1 AND position > $2 AND position <= $3 ORDER BY position",
    [userId, after, upTo],
  );
  return rows.map((r) => ({ roomId: r.room_id, type: r.type, content: JSON.parse(r.content) as Record<string, unknown> }));
}

/** The users `userId` ignores, from their m.ignored_user_list (none without one). */
export async function selectIgnoredUsers(q: Queryable, userId: string): Promise<string[]> {
  const [row] = await q.query<{ content: string }>(
    "SELECT content FROM syncapi_account_data WHERE user_id = $1 AND room_id = '' AND type = $2",
    [userId, IGNORED_USER_LIST],
  );
  return row ? ignoredUserIds(JSON.parse(row.content)) : [];
}

/** The user IDs of an m.ignored_user_list's content (`{"ignored_users": {"@u:s": {}}}`); anything malformed ignores nobody. */
function ignoredUserIds(content: unknown): string[] {
  const users = (content as { ignored_users?: unknown } | null)?.ignored_users;
  if (users === null || typeof users !== "object" || Array.isArray(users)) return [];
  return Object.keys(users);
}
