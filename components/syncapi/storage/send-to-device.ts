import type { Queryable } from "../../internal/database/database.js";

export interface ToDeviceMessage {
  position: number;
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

/* syncapi_send_to_device: to-device messages waiting for their device, deleted once a sync acknowledges them. */

/** Null when the message was stored before (its ID is unique per device). */
export async function insertToDevice(
  tx: Queryable,
  m: { userId: string; deviceId: string; sender: string; type: string; content: string; messageId: string },
): Promise<number | null> {
  const rows = await tx.query<{ position: number }>(
    `INSERT INTO syncapi_send_to_device (user_id, device_id, sender, type, content, message_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (message_id, user_id, device_id) DO NOTHING RETURNING position`,
    [m.userId, m.deviceId, m.sender, m.type, m.content, m.messageId],
  );
  return rows[0] ? Number(rows[0].position) : null;
}

/**
 * The device's messages after `after` (what it acknowledged) up to `upTo`, oldest first.
 * An empty range has none: everything up to `after` was deleted by the acknowledgement.
 */
export async function selectPendingToDevice(
  q: Queryable,
  userId: string,
  deviceId: string,
  after: number,
  upTo: number,
  limit: number,
): Promise<ToDeviceMessage[]> {
  if (after >= upTo) return [];
  const rows = await q.query<{ position: number; sender: string; type: string; content: string }>(
    `SELECT position, sender, type, content FROM syncapi_send_to_device
     WHERE user_id = $1 AND device_id = $2 AND position <= $3 ORDER BY position LIMIT $4`,
    [userId, deviceId, upTo, limit],
  );
  return rows.map((r) => ({
    position: Number(r.position),
    sender: r.sender,
    type: r.type,
    content: JSON.parse(r.content) as Record<string, unknown>,
  }));
}

/** The device has seen everything up to `upTo`: its messages up to there are deleted. */
export async function deleteToDeviceUpTo(q: Queryable, userId: string, deviceId: string, upTo: number): Promise<void> {
  await q.execute("DELETE FROM syncapi_send_to_device WHERE user_id = $1 AND device_id = $2 AND position <= $3", [userId, deviceId, upTo]);
}
