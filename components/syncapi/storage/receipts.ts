import type { Queryable } from "../../internal/database/database.js";

export interface ReceiptRow {
  roomId: string;
  receiptType: string;
  userId: string;
  threadId: string;
  eventId: string;
  ts: number;
  position: number;
}

/* syncapi_receipts: the latest receipt per room, type, user and thread. */

export async function upsertReceipt(tx: Queryable, r: Omit<ReceiptRow, "position">): Promise<number> {
  const [row] = await tx.query<{ position: number }>(
    `INSERT INTO syncapi_receipts (room_id, receipt_type, user_id, thread_id, event_id, ts, position)
     VALUES ($1, $2, $3, $4, $5, $6, nextval('syncapi_receipt_seq'))
     ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET event_id = EXCLUDED.event_id, ts = EXCLUDED.ts, position = EXCLUDED.position
     RETURNING position`,
    [r.roomId, r.receiptType, r.userId, r.threadId, r.eventId, r.ts],
  );
  return Number(row!.position);
}

export async function selectReceiptsChanged(q: Queryable, roomIds: readonly string[], after: number, upTo: number): Promise<ReceiptRow[]> {
  if (after >= upTo) return []; // nothing can be in an empty range: no query
  if (roomIds.length === 0) return [];
  const rows = await q.query<{
    room_id: string;
    receipt_type: string;
    user_id: string;
    thread_id: string;
    event_id: string;
    ts: number;
    position: number;
  }>(
    `SELECT room_id, receipt_type, user_id, thread_id, event_id, ts, position FROM syncapi_receipts
     WHERE room_id = ANY($1::text[]) AND position > $2 AND position <= $3 ORDER BY position`,
    [roomIds, after, upTo],
  );
  return rows.map((r) => ({
    roomId: r.room_id,
    receiptType: r.receipt_type,
    userId: r.user_id,
    threadId: r.thread_id,
    eventId: r.event_id,
    ts: Number(r.ts),
    position: Number(r.position),
  }));
}

/**
 * Where the user's own read receipt stands in each of the rooms, as the stream position of
 * its event: 0 for no receipt, absent when the receipt's event is not stored yet.
 */
export async function selectReadMarkerPositions(q: Queryable, userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await q.query<{ room_id: string; position: number | null }>(
    `SELECT DISTINCT ON (r.room_id) r.room_id, e.position FROM syncapi_receipts r
     LEFT JOIN syncapi_events e ON e.event_id = r.event_id
     WHERE r.user_id = $1 AND r.room_id = ANY($2::text[]) AND r.receipt_type IN ('m.read', 'm.read.private')
     ORDER BY r.room_id, r.position DESC`,
    [userId, roomIds],
  );
  const known = new Map<string, number>(roomIds.map((roomId) => [roomId, 0]));
  for (const r of rows) {
    if (r.position === null) known.delete(r.room_id);
    else known.set(r.room_id, Number(r.position));
  }
  return known;
}
