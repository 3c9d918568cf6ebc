import type { Queryable } from "../../internal/database/database.js";

export async function insertAlias(q: Queryable, alias: string, roomId: string, creator: string): Promise<boolean> {
  const n = await q.execute("INSERT INTO roomserver_room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [
    alias,
    roomId,
    creator,
  ]);
  return n === 1;
}

export async function selectAlias(q: Queryable, alias: string): Promise<{ roomId: string; creator: string } | null> {
  const [row] = await q.query<{ room_id: string; creator: string }>(
    "SELECT room_id, creator FROM roomserver_room_aliases WHERE alias = $1",
    [alias],
  );
  return row ? { roomId: row.room_id, creator: row.creator } : null;
}

export async function deleteAlias(q: Queryable, alias: string): Promise<void> {
  await q.execute("DELETE FROM roomserver_room_aliases WHERE alias = $1", [alias]);
}
