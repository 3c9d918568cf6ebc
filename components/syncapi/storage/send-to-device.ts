import type { Queryable } from "../../internal/database/database.js";

export interface ToDeviceMessage {
  position: number;
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

/** Devices whose acknowledged position is remembered at most. */
const MAX_REMEMBERED_DEVICES = 10_000;

/** To-device messages waiting for their device, deleted once a sync acknowledges them. */
export class SendToDeviceTable {
  /** The position up to which this process deleted each device's messages. */
  private readonly acknowledged = new Map<string, number>();

  /** Null when the message was stored before (its ID is unique per device). */
  async insert(tx: Queryable, m: { userId: string; deviceId: string; sender: string; type: string; content: string; messageId: string }): Promise<number | null> {
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
  async pending(q: Queryable, userId: string, deviceId: string, after: number, upTo: number, limit: number): Promise<ToDeviceMessage[]> {
    if (after >= upTo) return [];
    const rows = await q.query<{ position: number; sender: string; type: string; content: string }>(
      `SELECT position, sender, type, content FROM syncapi_send_to_device
       WHERE user_id = $1 AND device_id = $2 AND position <= $3 ORDER BY position LIMIT $4`,
      [userId, deviceId, upTo, limit],
    );
    return rows.map((r) => ({ position: Number(r.position), sender: r.sender, type: r.type, content: JSON.parse(r.content) as Record<string, unknown> }));
  }

  /**
   * The device has seen everything up to `upTo` (its next `since` says so). Every sync
   * repeats its `since`, so what this process deleted already is remembered and not deleted
   * again: positions only grow, so nothing at or below it can arrive later.
   */
  async acknowledge(q: Queryable, userId: string, deviceId: string, upTo: number): Promise<void> {
    const device = JSON.stringify([userId, deviceId]);
    if ((this.acknowledged.get(device) ?? 0) >= upTo) return;
    await q.execute("DELETE FROM syncapi_send_to_device WHERE user_id = $1 AND device_id = $2 AND position <= $3", [userId, deviceId, upTo]);
    // Bounded: forgetting only costs a repeated delete.
    if (this.acknowledged.size >= MAX_REMEMBERED_DEVICES) this.acknowledged.clear();
    this.acknowledged.set(device, upTo);
  }
}
