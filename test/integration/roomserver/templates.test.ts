import { expect } from "chai";
import { verifyEventSignature } from "../../../components/protocol/events/signatures.js";
import { stateKeyOf } from "../../../components/protocol/events/event.js";
import { parseEvent } from "../../../components/protocol/events/parse.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { submitTemplate } from "../../../components/roomserver/producers/input-producer.js";
import type { EventTemplate } from "../../../components/roomserver/api/input.js";
import { TEST_SERVER, inputEvent } from "../../../testing/roomserver-harness.js";
import { TestRoom } from "../../../testing/test-room.js";
import { SETUPS, useRoomserver, pendingSetups } from "./backends.js";

for (const setup of SETUPS) {
  describe(`roomserver event templates [${setup.name}]`, function () {
    this.timeout(60_000);
    const rs = useRoomserver(setup, "roomserver-templates", { collectOutputs: true });

    async function startRoom(version = "11"): Promise<{ room: TestRoom; alice: string }> {
      const room = new TestRoom(TEST_SERVER, rs.key, version);
      const alice = room.user("alice");
      for (const event of room.standardStart(alice)) await inputEvent(rs.log, event);
      return { room, alice };
    }

    let templates = 0;
    function template(roomId: string, sender: string, body: string, fields: Partial<EventTemplate> = {}): EventTemplate {
      return {
        roomId,
        type: "m.room.message",
        sender,
        contentJson: JSON.stringify({ msgtype: "m.text", body }),
        redacts: "",
        templateId: `template ${++templates}`,
        ...fields,
      };
    }

    const send = (t: EventTemplate, transactionId?: { userId: string; deviceId: string; transactionId: string }) =>
      submitTemplate(rs.log, t, { origin: TEST_SERVER, transactionId, timeoutMs: 10_000 });

    async function storedJson(eventId: string, version = "11") {
      const [row] = await rs.db.query<{ json: string }>("SELECT json FROM roomserver_events WHERE event_id = $1", [eventId]);
      return row ? parseEvent(row.json, roomVersion(version)) : null;
    }

    const countEvents = async (roomId: string) =>
      (
        await rs.db.query<{ n: number }>(
          "SELECT count(*)::int8 AS n FROM roomserver_events e JOIN roomserver_rooms r USING (room_nid) WHERE r.room_id = $1",
          [roomId],
        )
      )[0]!.n;

    it("completes a template at the room's edge, signed by this server, and announces it with the client's transaction", async () => {
      const { room, alice } = await startRoom();
      const last = room.latest[0]!;
      const txn = { userId: alice, deviceId: "PHONE", transactionId: "t1" };
      const verdict = await send(template(room.roomId, alice, "hello"), txn);
      expect(verdict).to.include({ outcome: "accepted", softFailed: false, alreadyKnown: false });

      const event = (await storedJson(verdict.eventId))!;
      expect(event.sender).to.equal(alice);
      expect(event.content).to.deep.equal({ msgtype: "m.text", body: "hello" });
      expect(event.prevEventIds).to.deep.equal([last.eventId]);
      expect(event.depth).to.equal(last.depth + 1);
      const expectedAuth = ["m.room.create", "m.room.power_levels", "m.room.member"].map(
        (type) => [...room.state.values()].find((e) => e.type === type && (type !== "m.room.member" || e.stateKey === alice))!.eventId,
      );
      expect([...event.authEventIds].sort()).to.deep.equal(expectedAuth.sort());
      expect(verifyEventSignature(event.json, roomVersion("11"), TEST_SERVER, rs.key.keyId, rs.key.publicKey)).to.equal(true);

      await rs.outputs.waitFor(() => rs.outputs.newEvents().some((e) => e.eventId === verdict.eventId));
      const output = rs.outputs.newEvents().find((e) => e.eventId === verdict.eventId)!;
      expect(output.transactionId).to.deep.equal(txn);
    });

    it("completes messages and redactions in a v12 room, whose auth events leave out the create event the rules read", async () => {
      const { room, alice } = await startRoom("12");
      const message = await send(template(room.roomId, alice, "in v12"));
      expect(message, message.reason).to.include({ outcome: "accepted", softFailed: false });
      const event = (await storedJson(message.eventId, "12"))!;
      const expectedAuth = [stateKeyOf("m.room.power_levels", ""), stateKeyOf("m.room.member", alice)].map(
        (key) => room.state.get(key)!.eventId,
      );
      expect([...event.authEventIds].sort()).to.deep.equal(expectedAuth.sort());
      const redaction = await send(
        template(room.roomId, alice, "", { type: "m.room.redaction", redacts: message.eventId, contentJson: "{}" }),
      );
      expect(redaction, redaction.reason).to.include({ outcome: "accepted", softFailed: false });
      expect((await storedJson(redaction.eventId, "12"))!.content).to.deep.equal({ redacts: message.eventId });
    });

    it("answers a repeated template ID with the first event and stores the event once", async () => {
      const { room, alice } = await startRoom();
      const before = await countEvents(room.roomId);
      const first = await send(template(room.roomId, alice, "once", { templateId: "retry me" }));
      const again = await send(template(room.roomId, alice, "once", { templateId: "retry me" }));
      expect(again).to.include({ eventId: first.eventId, outcome: "accepted", alreadyKnown: true });
      // Retries arriving together, in one batch of the input pipeline.
      const together = await Promise.all([1, 2, 3].map(() => send(template(room.roomId, alice, "twice", { templateId: "together" }))));
      expect(new Set(together.map((v) => v.eventId)).size).to.equal(1);
      expect(await countEvents(room.roomId)).to.equal(before + 2);
    });

    it("chains concurrent templates of one room one after another instead of forking the room", async () => {
      const { room, alice } = await startRoom();
      const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => send(template(room.roomId, alice, `message ${i}`))));
      expect(verdicts.every((v) => v.outcome === "accepted")).to.equal(true);
      const events = await Promise.all(verdicts.map((v) => storedJson(v.eventId)));
      expect(events.every((e) => e!.prevEventIds.length === 1)).to.equal(true);
      const depths = events.map((e) => e!.depth).sort((a, b) => a - b);
      expect(new Set(depths).size).to.equal(30, "each event one deeper than another: a chain");
      const [row] = await rs.db.query<{ n: number }>(
        "SELECT cardinality(latest_event_nids)::int8 AS n FROM roomserver_rooms WHERE room_id = $1",
        [room.roomId],
      );
      expect(row!.n).to.equal(1);
    });

    it("refuses what cannot become an event with the client's error, and stores nothing", async () => {
      const { room, alice } = await startRoom();
      const before = await countEvents(room.roomId);
      const cases: Array<[EventTemplate, string, number]> = [
        [template(room.roomId, room.user("mallory"), "not a member"), "M_FORBIDDEN", 403],
        [template("!nowhere:test.local", alice, "no such room"), "M_NOT_FOUND", 404],
        [template(room.roomId, alice, "x".repeat(70_000)), "M_TOO_LARGE", 413],
        [template(room.roomId, alice, "", { contentJson: "{not json" }), "M_BAD_JSON", 400],
        [template(room.roomId, alice, "", { contentJson: '{"n": 1.5}' }), "M_BAD_JSON", 400],
      ];
      for (const [t, errcode, httpStatus] of cases) {
        const verdict = await send(t);
        expect(verdict.outcome, errcode).to.equal("invalid");
        expect(verdict.refusal, errcode).to.include({ errcode, httpStatus });
      }
      expect(await countEvents(room.roomId)).to.equal(before);
      const ids = cases.map(([t]) => t.templateId);
      const recorded = await rs.db.query("SELECT 1 FROM roomserver_completed_templates WHERE template_id = ANY($1::text[])", [ids]);
      expect(recorded).to.have.length(0);
      // A refused template may be tried again once it would be allowed.
      const mallory = room.user("mallory");
      await inputEvent(rs.log, room.join(mallory));
      expect((await send(cases[0]![0])).outcome).to.equal("accepted");
    });
  });
}
pendingSetups("roomserver-templates");
