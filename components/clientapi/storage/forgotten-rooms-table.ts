import type { Queryable } from "../../internal/database/database.js";

/** clientapi_forgotten_rooms: rooms a user has forgotten after leaving them. */
export class ForgottenRoomsTable {
  constructor(private readonly db: Queryable) {}

  async forget(userId: string, roomId: string): Promise<void> {
    await this.db.execute(
      `INSERT INTO clientapi_forgotten_rooms (user_id, room_id, forgotten_ts) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, room_id) DO NOTHING`,
      [userId, roomId, Date.now()],
    );
  }

  async remember(userId: string, roomId: string): Promise<void> {
    await this.db.execute("DELETE FROM clientapi_forgotten_rooms WHERE user_id = $1 AND room_id = $2", [userId, roomId]);
  }

  async isForgotten(userId: string, roomId: string): Promise<boolean> {
    const rows = await this.db.query("SELECT 1 FROM clientapi_forgotten_rooms WHERE user_id = $1 AND room_id = $2", [userId, roomId]);
    return rows.length > 0;
  }
}
