import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../../components/internal/database/database.js";
import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import type { SigningKey } from "../../../components/protocol/crypto/keys.js";
import { exportRoom } from "../../../components/roomserver/transfer/export-room.js";
import { importRoom } from "../../../components/roomserver/transfer/import-room.js";
import { suiteVariant } from "../../../testing/backends.js";
import { runCli } from "../../../testing/cli-process.js";
import { TEST_SERVER, inputEvent, startRoomserverCore } from "../../../testing/roomserver-harness.js";
import { TestRoom } from "../../../testing/test-room.js";
import { SETUPS, pendingSetups } from "./backends.js";

interface Server {
  db: Database;
  log: EventLog;
  key: SigningKey;
  close(): Promise<void>;
}

async function startServer(setup: (typeof SETUPS)[number], serverName: string): Promise<Server> {
  const { db, log, close } = await setup.open();
  const { key, stop } = await startRoomserverCore(db, log, serverName);
  return { db, log, key, close: async () => (await stop(), await close()) };
}

/** The room's current state as "type|state_key" → event ID, and its extremities. */
async function roomSummary(db: Database, roomId: string) {
  const [room] = await db.query<{ latest: string[]; block_nids: (number | string)[] }>(
    `SELECT ARRAY(SELECT e.event_id FROM roomserver_events e WHERE e.event_nid = ANY(r.latest_event_nids) ORDER BY e.event_id) AS latest,
            s.block_nids
     FROM roomserver_rooms r JOIN roomserver_state_snapshots s ON s.snapshot_nid = r.current_snapshot_nid WHERE r.room_id = $1`,
    [roomId],
  );
  const state = await db.query<{ type: string; state_key: string; event_id: string }>(
    `SELECT e.type, e.state_key, e.event_id FROM roomserver_state_blocks b JOIN roomserver_events e ON e.event_nid = ANY(b.event_nids)
     WHERE b.block_nid = ANY($1::bigint[]) ORDER BY e.type, e.state_key`,
    [room!.block_nids],
  );
  return { latest: room!.latest, state: state.map((s) => `${s.type}|${s.state_key} ${s.event_id}`) };
}

for (const setup of SETUPS) {
  describe(`roomserver export-room and import-room [${setup.name}]`, function () {
    this.timeout(120_000);
    suiteVariant(`roomserver-transfer:${setup.name}`);

    it("rebuilds a room with forks, bans and redactions on another server with identical state", async () => {
      const a = await startServer(setup, TEST_SERVER);
      const b = await startServer(setup, "other.test");
      try {
        const room = new TestRoom(TEST_SERVER, a.key, "11");
        const alice = room.user("alice");
        const bob = room.user("bob");
        const charlie = room.user("charlie");
        const events = [...room.standardStart(alice, { [bob]: 50 }), room.join(bob), room.join(charlie)];
        const forkPoint = room.latest;
        const forkState = new Map(room.state);
        const ban = room.member(bob, charlie, "ban", { prevs: forkPoint, state: forkState, detached: true });
        const demote = room.stateEvent(
          alice,
          "m.room.power_levels",
          { users: { [alice]: 100, [bob]: 0 } },
          { prevs: forkPoint, state: forkState, detached: true },
        );
        events.push(ban, demote);
        room.latest = [ban, demote];
        room.state.set("m.room.power_levels\u0000", demote);
        const secret = room.message(alice, "secret");
        events.push(secret, room.build({ type: "m.room.redaction", sender: alice, content: {}, redacts: secret.eventId }));
        for (let i = 0; i < 10; i++) events.push(room.message(i % 2 ? alice : bob, `message ${i}`));
        events.push(room.stateEvent(alice, "m.room.name", { name: "Exported" }));
        for (const event of events) expect((await inputEvent(a.log, event)).outcome, event.type).to.equal("accepted");

        const lines = await exportRoom(a.db, room.roomId, TEST_SERVER, a.key);
        expect(JSON.parse(lines[0]!)).to.include({ room_id: room.roomId, room_version: "11" });
        expect(lines.length - 1).to.equal(events.length);

        const result = await importRoom(lines, b.db, b.log, "other.test");
        expect(result).to.deep.equal({ roomId: room.roomId, accepted: events.length, rejected: 0, invalid: [] });
        expect(await roomSummary(b.db, room.roomId)).to.deep.equal(await roomSummary(a.db, room.roomId));
        const [redacted] = await b.db.query<{ json: string }>("SELECT json FROM roomserver_events WHERE event_id = $1", [secret.eventId]);
        expect(JSON.parse(redacted!.json).content).to.deep.equal({});
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

pendingSetups("roomserver-transfer");

describe("export-room and import-room from the command line", function () {
  this.timeout(120_000);
  suiteVariant("roomserver-transfer:cli");

  it("imports an export into a stopped embedded server and exports the same DAG back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dendrite-transfer-"));
    const server = await startServer(SETUPS[0]!, TEST_SERVER);
    try {
      const room = new TestRoom(TEST_SERVER, server.key, "10");
      const alice = room.user("alice");
      const events = [...room.standardStart(alice), room.message(alice, "one"), room.stateEvent(alice, "m.room.topic", { topic: "t" })];
      for (const event of events) await inputEvent(server.log, event);
      const lines = await exportRoom(server.db, room.roomId, TEST_SERVER, server.key);
      writeFileSync(join(dir, "room.jsonl"), lines.join("\n") + "\n");

      const config = join(dir, "other.yaml");
      expect(
        (await runCli(["generate-config", "--server-name", "other.test", "--data-dir", join(dir, "data"), "-o", config])).code,
      ).to.equal(0);
      const imported = await runCli(["import-room", join(dir, "room.jsonl"), "--config", config]);
      expect(imported.code, imported.stderr).to.equal(0);
      expect(imported.stderr).to.contain(`${events.length} accepted, 0 rejected, 0 invalid`);
      const exported = await runCli(["export-room", room.roomId, "--config", config, "-o", join(dir, "again.jsonl")]);
      expect(exported.code, exported.stderr).to.equal(0);
      const again = (await import("node:fs")).readFileSync(join(dir, "again.jsonl"), "utf8").trim().split("\n");
      expect(again.slice(1)).to.deep.equal(lines.slice(1));
      const badFile = await runCli(["import-room", config, "--config", config]);
      expect(badFile.code).to.not.equal(0);
      expect(badFile.stderr).to.contain("line 1");
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
