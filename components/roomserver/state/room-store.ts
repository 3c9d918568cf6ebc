import type { Queryable } from "../../internal/database/database.js";
import { insertRoom, selectRoom, updateRoomsLatestStatement, type RoomRecord } from "../storage/rooms.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";

/**
 * Rooms by ID through a cache. The roomserver is the only writer of a room (its inputs
 * are applied one after another), so the cached row stays true; changes reach the cache
 * when their transaction commits.
 */
export class RoomStore {
  private readonly rooms = new Map<string, RoomRecord>();
  /** Rooms created by transactions still open: never cached from a read. */
  private readonly uncommitted = new Set<string>();

  /** The committed room (queries). */
  async get(q: Queryable, roomId: string): Promise<RoomRecord | null> {
    const cached = this.rooms.get(roomId);
    if (cached) return cached;
    const record = await selectRoom(q, roomId);
    // A read racing an input's commit must not put the older row back over the newer one.
    if (record && !this.uncommitted.has(roomId) && !this.rooms.has(roomId)) this.rooms.set(roomId, record);
    return this.rooms.get(roomId) ?? record;
  }

  /** The room as the transaction sees it, with its own changes so far (input). */
  async inTransaction(uow: UnitOfWork, roomId: string): Promise<RoomRecord | null> {
    return uow.batch.rooms.get(roomId) ?? this.get(uow.q, roomId);
  }

  async create(uow: UnitOfWork, roomId: string, version: string): Promise<RoomRecord> {
    const record = await insertRoom(uow.q, roomId, version);
    this.uncommitted.add(roomId);
    uow.batch.rooms.set(roomId, record);
    uow.afterCommit(() => this.rooms.set(roomId, record));
    uow.finally(() => this.uncommitted.delete(roomId));
    return record;
  }

  async setLatest(
    uow: UnitOfWork,
    room: RoomRecord,
    latestEventNids: number[],
    currentSnapshotNid: number,
    lastSentEventId: string,
  ): Promise<void> {
    const updated = { ...room, latestEventNids, currentSnapshotNid, lastSentEventId };
    uow.batch.rooms.set(room.roomId, updated);
    uow.batch.changedRooms.set(room.roomId, updated);
    // The rows are written once per transaction, all in one statement built after the
    // transaction's work, so with each room's last values.
    uow.beforeCommit(ROOMS_CHANGED, () => {
      const last = [...uow.batch.changedRooms.values()];
      uow.afterCommit(() => {
        for (const record of last) this.rooms.set(record.roomId, record);
      });
      return updateRoomsLatestStatement(last);
    });
  }

  /** Drops a cached row changed elsewhere (publishing a room). */
  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }
}

/** The beforeCommit write of the rooms whose row the transaction changed. */
const ROOMS_CHANGED = "rooms:changed";
