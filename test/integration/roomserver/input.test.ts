import { expect } from "chai";
import { generateSigningKey } from "../../../components/protocol/crypto/keys.js";
import { TEST_SERVER, inputEvent } from "../../../testing/roomserver-harness.js";
import { TestRoom } from "../../../testing/test-room.js";
import { SETUPS, useRoomserver, pendingSetups } from "./backends.js";

for (const setup of SETUPS) {
  describe(`roomserver input [${setup.name}]`, function () {
    this.timeout(60_000);
    const rs = useRoomserver(setup, "roomserver-input", { collectOutputs: true });

    const newRoom = (version = "11") => new TestRoom(TEST_SERVER, rs.key, version);

    it("accepts a room's first events and announces each with its state changes", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      const events = [...room.standardStart(alice), room.message(alice, "hello")];
      for (const event of events) {
        const verdict = await inputEvent(rs.log, event);
        expect(verdict, event.type).to.include({ eventId: event.eventId, outcome: "accepted", softFailed: false });
      }
      await rs.outputs.waitFor(() => rs.outputs.newEvents().filter((e) => e.roomId === room.roomId).length === events.length);
      const announced = rs.outputs.newEvents().filter((e) => e.roomId === room.roomId);
      expect(announced.map((e) => e.eventId)).to.deep.equal(events.map((e) => e.eventId));
      expect(announced[0]!.lastSentEventId).to.equal("");
      announced.slice(1).forEach((e, i) => expect(e.lastSentEventId).to.equal(events[i]!.eventId));
      expect(announced[2]!.addsStateEventIds).to.deep.equal([events[2]!.eventId]);
      expect(announced[5]!.addsStateEventIds).to.deep.equal([]);
      expect(announced[5]!.latestEventIds).to.deep.equal([events[5]!.eventId]);
      expect(announced[5]!.historyVisibility).to.equal("shared");
    });

    it("rejects an event that fails the auth rules, stores it as rejected and announces nothing", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      for (const event of room.standardStart(alice)) await inputEvent(rs.log, event);
      const stranger = room.message(room.user("mallory"), "not a member", { detached: true });
      const verdict = await inputEvent(rs.log, stranger);
      expect(verdict.outcome).to.equal("rejected");
      expect(verdict.reason).to.match(/join|member/i);
      const [row] = await rs.db.query<{ status: string }>("SELECT status FROM roomserver_events WHERE event_id = $1", [stranger.eventId]);
      expect(row!.status).to.equal("rejected");
      await new Promise((r) => setTimeout(r, 100));
      expect(rs.outputs.newEvents().map((e) => e.eventId)).to.not.include(stranger.eventId);
    });

    it("soft-fails an event allowed by the state before it but not by the current state", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      const bob = room.user("bob");
      for (const event of room.standardStart(alice)) await inputEvent(rs.log, event);
      const bobJoin = room.join(bob);
      await inputEvent(rs.log, bobJoin);
      const stateWithBob = new Map(room.state);
      const ban = room.member(alice, bob, "ban");
      expect((await inputEvent(rs.log, ban)).outcome).to.equal("accepted");
      // Bob's message cites the state before his ban: fine there, not now.
      const late = room.message(bob, "sneaky", { prevs: [bobJoin], state: stateWithBob, detached: true });
      const verdict = await inputEvent(rs.log, late);
      expect(verdict).to.include({ outcome: "accepted", softFailed: true });
      const [row] = await rs.db.query<{ status: string }>("SELECT status FROM roomserver_events WHERE event_id = $1", [late.eventId]);
      expect(row!.status).to.equal("soft_failed");
      const [roomRow] = await rs.db.query<{ n: number }>(
        "SELECT cardinality(latest_event_nids)::int8 AS n FROM roomserver_rooms WHERE room_id = $1",
        [room.roomId],
      );
      expect(roomRow!.n).to.equal(1, "a soft-failed event does not become a forward extremity");
    });

    it("refuses as invalid an event it cannot verify or place, and stores nothing", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      for (const event of room.standardStart(alice)) await inputEvent(rs.log, event);
      const otherKey = generateSigningKey();
      const forged = new TestRoom(TEST_SERVER, otherKey, "11");
      forged.roomId = room.roomId;
      forged.state = new Map(room.state);
      forged.latest = room.latest;
      const badSignature = forged.message(alice, "forged");
      const unknownRoom = newRoom().create(alice);
      const orphan = newRoom();
      orphan.roomId = room.roomId;
      orphan.state = new Map(room.state);
      const ghostParent = room.message(alice, "never input", { detached: true });
      const missingPrev = orphan.message(alice, "child of the unknown", { prevs: [ghostParent] });
      for (const [what, event] of [
        ["bad signature", badSignature],
        ["missing prev", missingPrev],
      ] as const) {
        const verdict = await inputEvent(rs.log, event);
        expect(verdict.outcome, what).to.equal("invalid");
        expect(verdict.reason, what).to.not.equal("");
        expect(await rs.db.query("SELECT 1 FROM roomserver_events WHERE event_id = $1", [event.eventId]), what).to.deep.equal([]);
      }
      const notCreate = newRoom();
      notCreate.create(alice);
      const strayMessage = notCreate.message(alice, "room never created here");
      expect((await inputEvent(rs.log, strayMessage)).outcome).to.equal("invalid");
      expect(unknownRoom.type).to.equal("m.room.create");
    });

    it("refuses as invalid an event whose type or state key text columns cannot hold, and the room goes on", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      for (const event of room.standardStart(alice)) await inputEvent(rs.log, event);
      const badType = room.build({ type: "org.ex\u0000b", sender: alice, content: {} }, { detached: true });
      const badStateKey = room.stateEvent(alice, "org.example", {}, { detached: true }, "a\u0000b");
      for (const event of [badType, badStateKey]) {
        const verdict = await inputEvent(rs.log, event);
        expect(verdict.outcome).to.equal("invalid");
        expect(verdict.reason).to.match(/U\+0000/);
      }
      // Content may hold it: stored as the escape, accepted.
      const content = room.message(alice, "a\u0000b");
      expect((await inputEvent(rs.log, content)).outcome).to.equal("accepted");
    });

    it("applies an input once: the same event again is already known and announced once", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      const events = room.standardStart(alice);
      for (const event of events) await inputEvent(rs.log, event);
      // A second writer (say, federation receiving it again) inputs the same event.
      const again = await inputEvent(rs.log, events[4]!, "new", { msgId: "second delivery" });
      expect(again).to.include({ alreadyKnown: true, outcome: "accepted" });
      await rs.outputs.waitFor(() => rs.outputs.newEvents().some((e) => e.eventId === events[4]!.eventId));
      await new Promise((r) => setTimeout(r, 200)); // time for a second announcement to show up
      const announced = rs.outputs.newEvents().filter((e) => e.eventId === events[4]!.eventId);
      expect(announced).to.have.length(1);
    });

    it("stores state snapshots deduplicated: messages add no state rows, a state change one block", async () => {
      const room = newRoom();
      const alice = room.user("alice");
      for (const event of room.standardStart(alice)) await inputEvent(rs.log, event);
      const count = async () => {
        const [s] = await rs.db.query<{ n: number }>(
          "SELECT count(*)::int8 AS n FROM roomserver_state_snapshots s JOIN roomserver_rooms r ON r.room_nid = s.room_nid WHERE r.room_id = $1",
          [room.roomId],
        );
        const [b] = await rs.db.query<{ n: number }>("SELECT count(*)::int8 AS n FROM roomserver_state_blocks");
        return { snapshots: s!.n, blocks: b!.n };
      };
      const before = await count();
      for (let i = 0; i < 20; i++) await inputEvent(rs.log, room.message(alice, `m${i}`));
      expect(await count()).to.deep.equal(before, "messages reuse the current snapshot");
      await inputEvent(rs.log, room.stateEvent(alice, "m.room.topic", { topic: "one" }));
      await inputEvent(rs.log, room.message(alice, "after topic"));
      const after = await count();
      expect(after.snapshots).to.equal(before.snapshots + 1);
      expect(after.blocks).to.equal(before.blocks + 1, "one changed rs.key writes one block");
    });
  });
}
pendingSetups("roomserver-input");
