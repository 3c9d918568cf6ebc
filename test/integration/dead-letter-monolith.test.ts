import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgliteDatabase } from "../../components/internal/database/pglite.js";
import { suiteVariant } from "../../testing/backends.js";
import { runCli, startCli, type RunningProcess } from "../../testing/cli-process.js";
import { eventually } from "../../testing/eventually.js";
import { POISON_MARKER, poisonEventsTable } from "../../testing/poisoned-events.js";
import { TestClient } from "../../testing/test-client.js";

/** Enough attempts that the retries are still going on when the test kills the process. */
const MAX_ATTEMPTS = 8;

const ENV: NodeJS.ProcessEnv = {
  DENDRITE_HTTP_TRUSTED_PROXIES: "127.0.0.1,::1",
  DENDRITE_REGISTRATION_OPEN: "true",
  DENDRITE_EVENT_LOG_MAX_DELIVERY_ATTEMPTS: String(MAX_ATTEMPTS),
};

/** Lines of a process's output whose message starts with `msg`. */
const linesWith = (proc: RunningProcess, msg: string) =>
  proc
    .output()
    .split("\n")
    .filter((line) => line.includes(`"msg":"${msg}`));

/**
 * The monolith, embedded (PGlite + in-process log), killed with SIGKILL while a message its
 * database refuses every time is being retried: after the restart the dead letter is
 * recorded once, a client's send of such an event is answered 500 M_UNKNOWN instead of
 * hanging, and every other send and sync works.
 */
describe("monolith crash: kill -9 while a poisoned send is being retried [embedded]", function () {
  this.timeout(240_000);
  let dir: string;
  let proc: RunningProcess | null = null;
  suiteVariant("dead-letter-monolith:embedded");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "dendrite-deadletter-"));
  });
  after(async () => {
    if (proc) await proc.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("records the dead letter once after a restart, refuses the next such send, and lets everything else through", async () => {
    const config = join(dir, "dendrite.yaml");
    const generated = await runCli(["generate-config", "--server-name", "deadletter.test", "--data-dir", dir, "-o", config]);
    expect(generated.code, generated.stderr).to.equal(0);
    const first = await startCli(["monolith", "--config", config], {
      env: { ...ENV, DENDRITE_HTTP_LISTEN: "127.0.0.1:0", DENDRITE_GRPC_LISTEN: "127.0.0.1:0" },
    });
    proc = first;
    // The same ports after every restart, so the client keeps its URL.
    const ports = { DENDRITE_HTTP_LISTEN: `127.0.0.1:${first.httpPorts[0]}`, DENDRITE_GRPC_LISTEN: `127.0.0.1:${first.grpcPort}` };
    const start = async () => (proc = await startCli(["monolith", "--config", config], { env: { ...ENV, ...ports } }));

    const alice = await new TestClient(`http://127.0.0.1:${first.httpPorts[0]}`).register("alice");
    const poisonedRoom = (await alice.expectOk("POST", "/createRoom", { body: {} })).room_id as string;
    const otherRoom = (await alice.expectOk("POST", "/createRoom", { body: {} })).room_id as string;
    const send = (room: string, txn: string, body: string) =>
      alice.request("PUT", `/rooms/${encodeURIComponent(room)}/send/m.room.message/${txn}`, {
        spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
        body: { msgtype: "m.text", body },
      });

    // The database learns to refuse events holding the marker (PGlite has one process: stop first).
    await first.stop("SIGTERM");
    proc = null;
    const db = await PgliteDatabase.open(join(dir, "pglite"));
    try {
      await poisonEventsTable(db);
    } finally {
      await db.close();
    }

    const running = await start();
    const hanging = send(poisonedRoom, "poison-1", `hello ${POISON_MARKER}`).catch((err: unknown) => err);
    await eventually(
      () => linesWith(running, "event log handler failed; retrying").some((line) => line.includes('"attempt":2')),
      60_000,
      "the poisoned send retried",
    );
    await running.stop("SIGKILL");
    proc = null;
    expect(linesWith(running, "event log message dead-lettered")).to.deep.equal([], "killed while the retries went on");
    expect(await hanging).to.be.instanceOf(Error, "the send's connection died with the process");

    const restarted = await start();
    await eventually(() => linesWith(restarted, "event log message dead-lettered").length === 1, 60_000, "the dead letter recorded");

    // Everything else flows: both rooms take messages, and /sync delivers them.
    const other = await send(otherRoom, "other-1", "in the other room");
    expect(other.status, JSON.stringify(other.body)).to.equal(200);
    const after = await send(poisonedRoom, "after-1", "after the poison");
    expect(after.status, JSON.stringify(after.body)).to.equal(200);
    const timelines = async () => {
      const sync = (await alice.expectOk("GET", "/sync", { spec: "/sync", query: { timeout: "0" } })) as {
        rooms?: { join?: Record<string, { timeline: { events: { event_id: string }[] } }> };
      };
      return Object.values(sync.rooms?.join ?? {}).flatMap((room) => room.timeline.events.map((e) => e.event_id));
    };
    await eventually(
      async () => {
        const ids = await timelines();
        return ids.includes(other.body.event_id as string) && ids.includes(after.body.event_id as string);
      },
      30_000,
      "both messages synced",
    );

    // A new send of such an event is answered, not left hanging.
    const refused = await send(poisonedRoom, "poison-2", `again ${POISON_MARKER}`);
    expect(refused.status).to.equal(500);
    expect(refused.body.errcode).to.equal("M_UNKNOWN");
    expect(refused.body.error).to.match(/could not store this event/);
    // The log line reaches this process through the server's stdout, after the answer may have.
    await eventually(() => linesWith(restarted, "event log message dead-lettered").length >= 2, 30_000, "the second dead-letter line");
    expect(linesWith(restarted, "event log message dead-lettered")).to.have.length(2);

    await restarted.stop("SIGTERM");
    proc = null;
    const check = await PgliteDatabase.open(join(dir, "pglite"));
    try {
      const rows = await check.query<{ consumer: string; seq: number; attempts: number; dead: boolean; payload: Uint8Array }>(
        "SELECT consumer, seq, attempts, dead_lettered_at IS NOT NULL AS dead, payload FROM eventlog_dead_letters ORDER BY seq",
      );
      // One row per poisoned message (the killed one once), each after every attempt, counted across the crash.
      expect(rows.map((r) => [r.consumer, r.attempts, r.dead])).to.deep.equal([
        ["roomserver-input", MAX_ATTEMPTS, true],
        ["roomserver-input", MAX_ATTEMPTS, true],
      ]);
      expect(Buffer.from(rows[0]!.payload).toString("utf8")).to.contain(`hello ${POISON_MARKER}`);
      expect(Buffer.from(rows[1]!.payload).toString("utf8")).to.contain(`again ${POISON_MARKER}`);
    } finally {
      await check.close();
    }
  });
});
