import type { Queryable } from "../../internal/database/database.js";

export interface AccountDataRow {
  roomId: string;
  type: string;
  content: Record<string, unknown>;
}

/** The latest account data of each user, type and room ('' for global). */
export class AccountDataTable {
  async upsert(tx: Queryable, userId: string, roomId: string, type: string, content: string): Promise<number> {
    const [row] = await tx.query<{ position: number }>(
      `INSERT INTO syncapi_account_data (user_id, room_id, type, content, position) VALUES ($1, $2, $3, $4, nextval('syncapi_account_data_seq'))
       ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = EXCLUDED.content, position = EXCLUDED.position RETURNING position`,
      [userId, roomId, type, content],
    );
    return Number(row!.position);
  }

  async changed(q: Queryable, userId: string, after: number, upTo: number): Promise<AccountDataRow[]> {
    if (after >= upTo) return []; // nothing can be in an empty range: no query
    const rows = await q.query<{ room_id: string; type: string; content: string }>(
      "SELECT room_id, type, content FROM syncapi_account_data WHERE user_id = $1 AND position > $2 AND position <= $3 ORDER BY position",
      [userId, after, upTo],
    );
    return rows.map((r) => ({ roomId: r.room_id, type: r.type, content: JSON.parse(r.content) as Record<string, unknown> }));
  }
}
