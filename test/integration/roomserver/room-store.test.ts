import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { RoomStore } from "../../../components/roomserver/state/room-store.js";
import { ROOMSERVER_MIGRATIONS } from "../../../components/roomserver/storage/migrations.js";
import { selectRoom, updateRoomsLatestStatement, type RoomLatest } from "../../../components/roomserver/storage/rooms.js";
import { inTransaction } from "../../../components/roomserver/storage/unit-of-work.js";
import { DATABASE_BACKENDS, suiteVariant, pendingDatabaseBackends } from "../../../testing/backends.js";

let counter = 0;
const newRoomId = () => `!room${++counter}_${Date.now()}:test.local`;

for (const backend of DATABASE_BACKENDS) {
  describe(`roomserver room rows [${backend.name}]`, function () {
    this.timeout(60_000);
    let db: Database;
    let drop: () => Promise<void>;
    suiteVariant(`roomserver-room-store:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "roomserver", ROOMSERVER_MIGRATIONS);
    });
    after(() => drop());

    const createRooms = (store: RoomStore, n: number) =>
      inTransaction(db, async (uow) => {
        const rooms = [];
        for (let i = 0; i < n; i++) rooms.push(await store.create(uow, newRoomId(), "11"));
        return rooms;
      });

    it("updates several rooms' rows in one statement, each with its own nids", async () => {
      const store = new RoomStore();
      const [a, b, c, untouched] = await createRooms(store, 4);
      const update = async (rooms: RoomLatest[]) => {
        const statement = updateRoomsLatestStatement(rooms);
        if (statement) await db.execute(statement.sql, statement.params);
      };
      await update([
        { roomNid: a!.roomNid, latestEventNids: [], currentSnapshotNid: 7, lastSentEventId: "$a" },
        { roomNid: b!.roomNid, latestEventNids: [3], currentSnapshotNid: 8, lastSentEventId: "$b" },
        { roomNid: c!.roomNid, latestEventNids: [5, 2 ** 40, 4], currentSnapshotNid: 2 ** 41, lastSentEventId: "$c'\"{}," },
      ]);
      expect(updateRoomsLatestStatement([])).to.equal(null, "no rooms, no statement");
      const rows = await Promise.all([a, b, c, untouched].map((r) => selectRoom(db, r!.roomId)));
      expect(rows.map((r) => [r!.latestEventNids, r!.currentSnapshotNid, r!.lastSentEventId])).to.deep.equal([
        [[], 7, "$a"],
        [[3], 8, "$b"],
        [[5, 2 ** 40, 4], 2 ** 41, "$c'\"{},"],
        [[], 0, ""],
      ]);
    });

    it("writes every room a transaction changed at its commit, with its last values", async () => {
      const store = new RoomStore();
      const [a, b, c] = await createRooms(store, 3);
      await inTransaction(db, async (uow) => {
        await store.setLatest(uow, a!, [1], 10, "$a1");
        await store.setLatest(uow, b!, [2], 20, "$b1");
        const a1 = (await store.inTransaction(uow, a!.roomId))!;
        expect(a1).to.include({ currentSnapshotNid: 10, lastSentEventId: "$a1" });
        await store.setLatest(uow, a1, [3, 4], 30, "$a2");
        await store.setLatest(uow, c!, [], 40, "$c1");
        // Read through the transaction: a row written already would show its new values.
        const unwritten = await Promise.all([a, b, c].map((r) => selectRoom(uow.q, r!.roomId)));
        expect(unwritten.map((r) => [r!.currentSnapshotNid, r!.lastSentEventId])).to.deep.equal(
          [
            [0, ""],
            [0, ""],
            [0, ""],
          ],
          "nothing written before the commit",
        );
      });
      const stored = await Promise.all([a, b, c].map((r) => selectRoom(db, r!.roomId)));
      expect(stored.map((r) => [r!.latestEventNids, r!.currentSnapshotNid, r!.lastSentEventId])).to.deep.equal([
        [[3, 4], 30, "$a2"],
        [[2], 20, "$b1"],
        [[], 40, "$c1"],
      ]);
      // The cache holds the committed rows: a change behind its back is not seen.
      await db.execute("UPDATE roomserver_rooms SET last_sent_event_id = 'elsewhere' WHERE room_id = ANY($1::text[])", [
        [a!.roomId, b!.roomId, c!.roomId],
      ]);
      const cached = await Promise.all([a, b, c].map((r) => store.get(db, r!.roomId)));
      expect(cached.map((r) => [r!.latestEventNids, r!.currentSnapshotNid, r!.lastSentEventId])).to.deep.equal([
        [[3, 4], 30, "$a2"],
        [[2], 20, "$b1"],
        [[], 40, "$c1"],
      ]);
    });

    it("caches the last values of a room created and changed in the same transaction", async () => {
      const store = new RoomStore();
      const roomId = newRoomId();
      await inTransaction(db, async (uow) => {
        const created = await store.create(uow, roomId, "11");
        await store.setLatest(uow, created, [9], 90, "$first");
      });
      await db.execute("UPDATE roomserver_rooms SET last_sent_event_id = 'elsewhere' WHERE room_id = $1", [roomId]);
      expect(await store.get(db, roomId)).to.include({ currentSnapshotNid: 90, lastSentEventId: "$first" });
    });

    it("leaves rows and cache alone when the transaction rolls back", async () => {
      const store = new RoomStore();
      const [a, b] = await createRooms(store, 2);
      await inTransaction(db, async (uow) => {
        await store.setLatest(uow, a!, [1], 11, "$gone");
        await store.setLatest(uow, b!, [2], 22, "$gone");
        throw new Error("a later input failed");
      }).catch(() => {});
      for (const room of [a!, b!]) {
        expect(await selectRoom(db, room.roomId)).to.include({ currentSnapshotNid: 0, lastSentEventId: "" });
        expect(await store.get(db, room.roomId)).to.include({ currentSnapshotNid: 0, lastSentEventId: "" });
      }
      // The rolled-back changes lived in that transaction's batch context only: the next
      // transaction starts from the committed rows.
      await inTransaction(db, async (uow) => {
        expect(await store.inTransaction(uow, a!.roomId)).to.include({ currentSnapshotNid: 0, lastSentEventId: "" });
        expect(await store.inTransaction(uow, b!.roomId)).to.include({ currentSnapshotNid: 0, lastSentEventId: "" });
      });
    });

    it("writes back no room a transaction only read", async () => {
      const store = new RoomStore();
      const [room] = await createRooms(store, 1);
      // Changed behind the store's back: a write of the cached row would undo this.
      await db.execute("UPDATE roomserver_rooms SET last_sent_event_id = 'elsewhere' WHERE room_id = $1", [room!.roomId]);
      await inTransaction(db, async (uow) => {
        expect(await store.inTransaction(uow, room!.roomId)).to.include({ lastSentEventId: "" }, "the cached row");
      });
      expect(await selectRoom(db, room!.roomId)).to.include({ lastSentEventId: "elsewhere" });
    });
  });
}
pendingDatabaseBackends("roomserver-room-store");
