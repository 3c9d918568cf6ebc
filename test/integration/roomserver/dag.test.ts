import { expect } from "chai";
import { TEST_SERVER, inputEvent } from "../../../testing/roomserver-harness.js";
import { TestRoom } from "../../../testing/test-room.js";
import { SETUPS, useRoomserver, pendingSetups } from "./backends.js";

for (const setup of SETUPS) {
  describe(`roomserver DAG handling [${setup.name}]`, function () {
    this.timeout(60_000);
    const rs = useRoomserver(setup, "roomserver-dag", { collectOutputs: true });

    async function accept(...events: Parameters<typeof inputEvent>[1][]): Promise<void> {
      for (const event of events) {
        const verdict = await inputEvent(rs.log, event);
        expect(verdict.outcome, `${event.type} ${verdict.reason}`).to.equal("accepted");
      }
    }

    async function extremities(roomId: string): Promise<string[]> {
      const rows = await rs.db.query<{ event_id: string }>(
        `SELECT e.event_id FROM roomserver_rooms r JOIN roomserver_events e ON e.event_nid = ANY(r.latest_event_nids)
         WHERE r.room_id = $1 ORDER BY e.event_id`,
        [roomId],
      );
      return rows.map((r) => r.event_id);
    }

    async function membership(roomId: string, userId: string): Promise<string | undefined> {
      const [row] = await rs.db.query<{ membership: string }>(
        `SELECT m.membership FROM roomserver_memberships m JOIN roomserver_rooms r ON r.room_nid = m.room_nid
         WHERE r.room_id = $1 AND m.user_id = $2`,
        [roomId, userId],
      );
      return row?.membership;
    }

    async function currentStateEventId(roomId: string, type: string, stateKey: string): Promise<string | undefined> {
      const [row] = await rs.db.query<{ block_nids: (number | string)[] }>(
        `SELECT s.block_nids FROM roomserver_rooms r JOIN roomserver_state_snapshots s ON s.snapshot_nid = r.current_snapshot_nid
         WHERE r.room_id = $1`,
        [roomId],
      );
      const [event] = await rs.db.query<{ event_id: string }>(
        `SELECT e.event_id FROM roomserver_state_blocks b JOIN roomserver_events e ON e.event_nid = ANY(b.event_nids)
         WHERE b.block_nid = ANY($1::bigint[]) AND e.type = $2 AND e.state_key = $3`,
        [row!.block_nids, type, stateKey],
      );
      return event?.event_id;
    }

    it("keeps both branches of a fork as extremities and resolves the power/ban race when they merge", async () => {
      const room = new TestRoom(TEST_SERVER, rs.key, "11");
      const alice = room.user("alice");
      const bob = room.user("bob");
      const charlie = room.user("charlie");
      await accept(...room.standardStart(alice, { [bob]: 50 }));
      await accept(room.join(bob), room.join(charlie));
      const forkState = new Map(room.state);
      const forkPoint = room.latest;

      // Branch B: bob, still at 50, bans charlie. Branch A: alice demotes bob to 0.
      const ban = room.member(bob, charlie, "ban", { prevs: forkPoint, state: forkState, detached: true });
      const demote = room.stateEvent(
        alice,
        "m.room.power_levels",
        { users: { [alice]: 100, [bob]: 0 } },
        {
          prevs: forkPoint,
          state: forkState,
          detached: true,
        },
      );
      await accept(ban);
      expect(await membership(room.roomId, charlie)).to.equal("ban");
      await accept(demote);
      expect(await extremities(room.roomId)).to.have.members([ban.eventId, demote.eventId]);

      // State resolution v2 applies the higher-powered sender's power levels first, after
      // which bob may no longer ban: the ban loses, charlie is joined again.
      expect(await membership(room.roomId, charlie)).to.equal("join");
      expect(await currentStateEventId(room.roomId, "m.room.power_levels", "")).to.equal(demote.eventId);
      // Verdicts come once the change is committed; its output is published just after.
      await rs.outputs.waitFor(() => rs.outputs.newEvents().some((e) => e.eventId === demote.eventId));
      const merged = rs.outputs.newEvents().find((e) => e.eventId === demote.eventId)!;
      expect(merged.rewritesState).to.equal(true);
      expect(merged.removesStateEventIds).to.include(ban.eventId);
      expect(merged.latestEventIds).to.have.members([ban.eventId, demote.eventId]);

      // An event citing both branches merges them into one extremity.
      room.latest = [ban, demote];
      room.state.set("m.room.power_levels\u0000", demote);
      const merge = room.message(alice, "merged");
      await accept(merge);
      expect(await extremities(room.roomId)).to.deep.equal([merge.eventId]);
      expect(await membership(room.roomId, charlie)).to.equal("join");
    });

    it("stores an outlier without state or output, announcing it only as an invite of a local user", async () => {
      const room = new TestRoom(TEST_SERVER, rs.key, "10");
      const alice = room.user("alice");
      await accept(...room.standardStart(alice));
      const invite = room.member(alice, room.user("dave"), "invite", { detached: true });
      const verdict = await inputEvent(rs.log, invite, "outlier");
      expect(verdict.outcome).to.equal("accepted");
      const [row] = await rs.db.query<{ outlier: boolean; state_before_nid: number | null }>(
        "SELECT outlier, state_before_nid FROM roomserver_events WHERE event_id = $1",
        [invite.eventId],
      );
      expect(row).to.deep.equal({ outlier: true, state_before_nid: null });
      expect(await extremities(room.roomId)).to.not.include(invite.eventId);
      await rs.outputs.waitFor((all) =>
        all.some((o) => o.payload?.$case === "newInviteEvent" && o.payload.value.eventId === invite.eventId),
      );
      expect(rs.outputs.newEvents().map((e) => e.eventId)).to.not.include(invite.eventId);
    });

    it("stores a backfilled event with its state but leaves extremities and current state alone", async () => {
      const room = new TestRoom(TEST_SERVER, rs.key, "11");
      const alice = room.user("alice");
      await accept(...room.standardStart(alice));
      const forkPoint = room.latest;
      const forkState = new Map(room.state);
      await accept(room.message(alice, "now"));
      const extremitiesBefore = await extremities(room.roomId);
      const historical = room.stateEvent(
        alice,
        "m.room.topic",
        { topic: "from the past" },
        { prevs: forkPoint, state: forkState, detached: true },
      );
      const verdict = await inputEvent(rs.log, historical, "old");
      expect(verdict.outcome).to.equal("accepted");
      expect(await extremities(room.roomId)).to.deep.equal(extremitiesBefore);
      expect(await currentStateEventId(room.roomId, "m.room.topic", "")).to.equal(undefined);
      const [row] = await rs.db.query<{ state_before_nid: number | null; outlier: boolean }>(
        "SELECT state_before_nid, outlier FROM roomserver_events WHERE event_id = $1",
        [historical.eventId],
      );
      expect(row!.outlier).to.equal(false);
      expect(row!.state_before_nid).to.be.a("number");
      await rs.outputs.waitFor((all) =>
        all.some((o) => o.payload?.$case === "oldRoomEvent" && o.payload.value.eventId === historical.eventId),
      );
    });

    it("redacts an event when its redaction is accepted, and applies a redaction that came first", async () => {
      const room = new TestRoom(TEST_SERVER, rs.key, "11");
      const alice = room.user("alice");
      await accept(...room.standardStart(alice));
      const message = room.message(alice, "secret");
      await accept(message);
      const redaction = room.build({ type: "m.room.redaction", sender: alice, content: { reason: "oops" }, redacts: message.eventId });
      await accept(redaction);
      await rs.outputs.waitFor((all) =>
        all.some((o) => o.payload?.$case === "redactedEvent" && o.payload.value.redactedEventId === message.eventId),
      );
      const redacted = rs.outputs.outputs.find(
        (o) => o.payload?.$case === "redactedEvent" && o.payload.value.redactedEventId === message.eventId,
      )!;
      const json = JSON.parse(
        Buffer.from((redacted.payload as { value: { redactedEventJson: Uint8Array } }).value.redactedEventJson).toString(),
      );
      expect(json.content).to.deep.equal({});
      const [row] = await rs.db.query<{ json: string; redacted_by: string }>(
        "SELECT json, redacted_by FROM roomserver_events WHERE event_id = $1",
        [message.eventId],
      );
      expect(JSON.parse(row!.json).content).to.deep.equal({});
      expect(row!.redacted_by).to.equal(redaction.eventId);

      // The redaction of an event we do not have yet waits for it.
      const forkPoint = room.latest;
      const forkState = new Map(room.state);
      const late = room.message(alice, "arrives after its redaction", { prevs: forkPoint, state: forkState, detached: true });
      const early = room.build({ type: "m.room.redaction", sender: alice, content: {}, redacts: late.eventId });
      await accept(early, late);
      await rs.outputs.waitFor((all) =>
        all.some((o) => o.payload?.$case === "redactedEvent" && o.payload.value.redactedEventId === late.eventId),
      );
    });
  });
}
pendingSetups("roomserver-dag");
