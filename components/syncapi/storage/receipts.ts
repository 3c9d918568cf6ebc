import { InvalidatedCache } from "../../internal/cache/invalidated-cache.js";
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

const markerKey = (userId: string, roomId: string) => `${userId}\u0000${roomId}`;

/** The latest receipt per room, type, user and thread. */
export class ReceiptsTable {
  /** Read markers as positions, per user and room (see readMarkerPositions). */
  private readonly markers = new InvalidatedCache<string, number>(50_000);

  async upsert(tx: Queryable, r: Omit<ReceiptRow, "position">): Promise<number> {
    const [row] = await tx.query<{ position: number }>(
      `INSERT INTO syncapi_receipts (room_id, receipt_type, user_id, thread_id, event_id, ts, position)
       VALUES ($1, $2, $3, $4, $5, $6, nextval('syncapi_receipt_seq'))
       ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET event_id = EXCLUDED.event_id, ts = EXCLUDED.ts, position = EXCLUDED.position
       RETURNING position`,
      [r.roomId, r.receiptType, r.userId, r.threadId, r.eventId, r.ts],
    );
    return Number(row!.position);
  }

  async changed(q: Queryable, roomIds: readonly string[], after: number, upTo: number): Promise<ReceiptRow[]> {
    if (after >= upTo) return []; // nothing can be in an empty range: no query
    if (roomIds.length === 0) return [];
    const rows = await q.query<{ room_id: string; receipt_type: string; user_id: string; thread_id: string; event_id: string; ts: number; position: number }>(
      `SELECT room_id, receipt_type, user_id, thread_id, event_id, ts, position FROM syncapi_receipts
       WHERE room_id = ANY($1::text[]) AND position > $2 AND position <= $3 ORDER BY position`,
      [roomIds, after, upTo],
    );
    return rows.map((r) => ({ roomId: r.room_id, receiptType: r.receipt_type, userId: r.user_id, threadId: r.thread_id, eventId: r.event_id, ts: Number(r.ts), position: Number(r.position) }));
  }

  /**
   * Where the user's own read receipt stands in each room, as a stream position (0: no
   * receipt): the unread count starts after it. Kept per user and room until the receipt
   * consumer commits a new one of theirs; a receipt for an event not stored yet counts as
   * 0 and is read again next time.
   */
  async readMarkerPositions(q: Queryable, userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    const roomOfKey = new Map(roomIds.map((roomId) => [markerKey(userId, roomId), roomId]));
    const found = await this.markers.getMany([...roomOfKey.keys()], async (missing) => {
      const rooms = missing.map((key) => roomOfKey.get(key)!);
      const rows = await q.query<{ room_id: string; position: number | null }>(
        `SELECT DISTINCT ON (r.room_id) r.room_id, e.position FROM syncapi_receipts r
         LEFT JOIN syncapi_events e ON e.event_id = r.event_id
         WHERE r.user_id = $1 AND r.room_id = ANY($2::text[]) AND r.receipt_type IN ('m.read', 'm.read.private')
         ORDER BY r.room_id, r.position DESC`,
        [userId, rooms],
      );
      const known = new Map<string, number>(rooms.map((roomId) => [markerKey(userId, roomId), 0]));
      for (const r of rows) {
        if (r.position === null) known.delete(markerKey(userId, r.room_id));
        else known.set(markerKey(userId, r.room_id), Number(r.position));
      }
      return known;
    });
    return new Map(roomIds.map((roomId) => [roomId, found.get(markerKey(userId, roomId)) ?? 0]));
  }

  /** After the commit of a read receipt: the user's marker in the room is read again. */
  readMarkerMoved(userId: string, roomId: string): void {
    this.markers.invalidate(markerKey(userId, roomId));
  }
}
