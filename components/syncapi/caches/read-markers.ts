import { InvalidatedCache } from "../../internal/cache/invalidated-cache.js";
import type { Queryable } from "../../internal/database/database.js";
import { selectReadMarkerPositions } from "../storage/receipts.js";
import { userRoomKey } from "../sync/keys.js";

/** Read markers as positions, per user and room: where the unread counts start. */
export class ReadMarkers {
  private readonly markers = new InvalidatedCache<string, number>(50_000);

  /**
   * Where the user's own read receipt stands in each room, as a stream position (0: no
   * receipt). Kept per user and room until the receipt consumer commits a new one of
   * theirs; a receipt for an event not stored yet counts as 0 and is read again next time.
   */
  async positions(q: Queryable, userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    const roomOfKey = new Map(roomIds.map((roomId) => [userRoomKey(userId, roomId), roomId]));
    const found = await this.markers.getMany([...roomOfKey.keys()], async (missing) => {
      const read = await selectReadMarkerPositions(
        q,
        userId,
        missing.map((key) => roomOfKey.get(key)!),
      );
      return new Map([...read].map(([roomId, position]) => [userRoomKey(userId, roomId), position]));
    });
    return new Map(roomIds.map((roomId) => [roomId, found.get(userRoomKey(userId, roomId)) ?? 0]));
  }

  /** After the commit of a read receipt: the user's marker in the room is read again. */
  moved(userId: string, roomId: string): void {
    this.markers.invalidate(userRoomKey(userId, roomId));
  }
}
