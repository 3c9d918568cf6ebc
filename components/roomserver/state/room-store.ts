import type { Queryable } from "../../internal/database/database.js";
import { insertRoom, selectRoom, updateRoomLatest, type RoomRecord } from "../storage/rooms.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";

/**
 * Rooms by ID through a cache. The roomserver is the only writer of a room (its inputs
 * are applied one after another), so the cached row stays true; changes reach the cache
 * when their transaction commits.
 */
export class RoomStore {
  private readonly rooms = new Map<string, RoomRecord>();

  async get(q: Queryable, roomId: string): Promise<RoomRecord | null> {
    const cached = this.rooms.get(roomId);
    if (cached) return cached;
    const record = await selectRoom(q, roomId);
    if (record) this.rooms.set(roomId, record);
    return record;
  }

  async create(uow: UnitOfWork, roomId: string, version: string): Promise<RoomRecord> {
    const record = await insertRoom(uow.q, roomId, version);
    uow.afterCommit(() => this.rooms.set(roomId, record));
    return record;
  }

  async setLatest(
    uow: UnitOfWork,
    room: RoomRecord,
    latestEventNids: number[],
    currentSnapshotNid: number,
    lastSentEventId: string,
  ): Promise<void> {
    await updateRoomLatest(uow.q, room.roomNid, latestEventNids, currentSnapshotNid, lastSentEventId);
    const updated = { ...room, latestEventNids, currentSnapshotNid, lastSentEventId };
    uow.afterCommit(() => this.rooms.set(room.roomId, updated));
  }

  /** Drops a cached row changed elsewhere (publishing a room). */
  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }
}
