import type { Queryable } from "../../internal/database/database.js";

type Content = Record<string, unknown>;

/** userapi_account_data: global (room '') and per-room account data, by type. */
export class AccountDataTable {
  constructor(private readonly db: Queryable) {}

  async get(localpart: string, roomId: string, type: string): Promise<Content | null> {
    const rows = await this.db.query<{ content: Content }>(
      "SELECT content FROM userapi_account_data WHERE localpart = $1 AND room_id = $2 AND type = $3",
      [localpart, roomId, type],
    );
    return rows[0]?.content ?? null;
  }

  async put(localpart: string, roomId: string, type: string, content: Content): Promise<void> {
    await this.db.execute(
      `INSERT INTO userapi_account_data (localpart, room_id, type, content) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (localpart, room_id, type) DO UPDATE SET content = EXCLUDED.content`,
      [localpart, roomId, type, JSON.stringify(content)],
    );
  }
}

/** userapi_filters: uploaded sync filters; IDs come from one sequence, so they never repeat. */
export class FiltersTable {
  constructor(private readonly db: Queryable) {}

  async insert(localpart: string, filter: Content): Promise<string> {
    const [row] = await this.db.query<{ filter_id: number }>(
      "INSERT INTO userapi_filters (localpart, filter) VALUES ($1, $2::jsonb) RETURNING filter_id",
      [localpart, JSON.stringify(filter)],
    );
    return String(row!.filter_id);
  }

  async get(localpart: string, filterId: string): Promise<Content | null> {
    if (!/^[0-9]{1,15}$/.test(filterId)) return null; // not one of ours; also keeps the cast below safe
    const rows = await this.db.query<{ filter: Content }>(
      "SELECT filter FROM userapi_filters WHERE localpart = $1 AND filter_id = $2",
      [localpart, Number(filterId)],
    );
    return rows[0]?.filter ?? null;
  }
}
