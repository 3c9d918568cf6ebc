import type { Queryable } from "../../internal/database/database.js";

/** clientapi_forgotten_rooms: rooms a user has forgotten after leaving them. */

export async function insertForgottenRoom(q: Queryable, userId: string, roomId: string, forgottenTs: number): Promise<void> {
  await q.execute(
    `INSERT INTO clientapi_forgotten_rooms (user_id, room_id, forgotten_ts) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, room_id) DO NOTHING`,
    [userId, roomId, forgottenTs],
  );
}

/** The user is back in the room: it is forgotten no more. */
export async function deleteForgottenRoom(q: Queryable, userId: string, roomId: string): Promise<void> {
  await q.execute("DELETE FROM clientapi_forgotten_rooms WHERE user_id = $1 AND room_id = $2", [userId, roomId]);
}

export async function isRoomForgotten(q: Queryable, userId: string, roomId: string): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM clientapi_forgotten_rooms WHERE user_id = $1 AND room_id = $2", [userId, roomId]);
  return rows.length > 0;
}
