/**
 * `npm run bench -- roomserver`: input throughput of the roomserver (events accepted per
 * second, writers waiting for each verdict as the client API does) for one room and for
 * 100 rooms in parallel, on the embedded setup and, when DENDRITE_TEST_POSTGRES and
 * DENDRITE_TEST_NATS are set, on PostgreSQL + NATS; and resident memory before and after
 * 100,000 events. Events are built and signed beforehand so only the roomserver is timed.
 * BENCH_EVENTS (default 5,000) and BENCH_MEMORY_EVENTS (default 100,000; 0 skips) size the runs;
 * BENCH_SETUP=embedded or postgres+nats runs one setup only.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgliteDatabase } from "../components/internal/database/pglite.js";
import type { EventLog } from "../components/internal/eventlog/eventlog.js";
import { openEventLog } from "../components/internal/eventlog/open.js";
import { silentLogger } from "../components/internal/logging/logger.js";
import type { SigningKey } from "../components/protocol/crypto/keys.js";
import type { ProtocolEvent } from "../components/protocol/events/protocolevent.js";
import { TEST_NATS_URL, uniquePrefix } from "../testing/backends.js";
import { TEST_SERVER, inputEvent, startRoomserverCore } from "../testing/roomserver-harness.js";
import { RoomserverProcessSetup } from "../testing/roomserver-process.js";
import { TestRoom } from "../testing/test-room.js";
import { report, reportMachineSpeed } from "./report.js";

/** Verdicts each writer waits for at once; the roomserver applies a room's events in order. */
const IN_FLIGHT = 256;

interface Running {
  log: EventLog;
  key: SigningKey;
  /** Resident memory of the process running the roomserver, in MiB. */
  rssMiB(): number;
  stop(): Promise<void>;
}

/**
 * The embedded roomserver runs in this process (as in the monolith). On PostgreSQL + NATS
 * it is its own process, as in the polylith, so the writers here do not share its core.
 */
async function startRoomserver(name: string): Promise<Running> {
  return name === "embedded" ? startEmbedded() : startProcess();
}

async function startEmbedded(): Promise<Running> {
  // Persisted in a folder as `npm start` does: an in-memory database would count the data as memory.
  const dir = mkdtempSync(join(tmpdir(), "dendrite-bench-pglite-"));
  const db = await PgliteDatabase.open(dir);
  const drop = async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const log = await openEventLog({ event_log: { nats: null, stream_prefix: uniquePrefix() } }, db, silentLogger());
  const { key, stop } = await startRoomserverCore(db, log);
  return {
    log,
    key,
    rssMiB: () => process.memoryUsage().rss / 2 ** 20,
    async stop() {
      await stop();
      await log.close();
      await drop();
    },
  };
}

async function startProcess(): Promise<Running> {
  const setup = await RoomserverProcessSetup.create(TEST_SERVER);
  const proc = await setup.start();
  const log = await setup.connectLog("bench-writer");
  return {
    log,
    key: setup.key,
    rssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.child.pid}/status`, "utf8"))![1]) / 1024,
    async stop() {
      await log.close();
      await proc.stop("SIGTERM");
      await setup.dispose();
    },
  };
}

/** Builds `rooms` rooms with `perRoom` messages each after their first events. */
function buildRooms(key: SigningKey, rooms: number, perRoom: number): { setup: ProtocolEvent[][]; messages: ProtocolEvent[][] } {
  const setup: ProtocolEvent[][] = [];
  const messages: ProtocolEvent[][] = [];
  for (let r = 0; r < rooms; r++) {
    const room = new TestRoom(TEST_SERVER, key, "11");
    const alice = room.user("alice");
    setup.push(room.standardStart(alice));
    messages.push(Array.from({ length: perRoom }, (_, i) => room.message(alice, `message ${i} of room ${r}`)));
  }
  return { setup, messages };
}

/** Inputs every room's events, rooms in parallel, up to IN_FLIGHT verdicts awaited at once. */
async function inputAll(log: EventLog, perRoom: ProtocolEvent[][]): Promise<number> {
  const queue = perRoom
    .flatMap((events) => events.map((e, i) => ({ e, i })))
    .sort((a, b) => a.i - b.i)
    .map((x) => x.e);
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < queue.length) {
      const event = queue[next++]!;
      const verdict = await inputEvent(log, event, undefined, { timeoutMs: 120_000 });
      if (verdict.outcome !== "accepted") throw new Error(`not accepted: ${verdict.reason}`);
      accepted++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, queue.length) }, worker));
  return accepted;
}

async function throughput(setupName: string, rooms: number, total: number): Promise<void> {
  const rs = await startRoomserver(setupName);
  try {
    const { setup, messages } = buildRooms(rs.key, rooms, Math.ceil(total / rooms));
    await inputAll(rs.log, setup);
    const started = performance.now();
    const n = await inputAll(rs.log, messages);
    const seconds = (performance.now() - started) / 1000;
    report(`roomserver input, ${rooms === 1 ? "one room" : `${rooms} rooms in parallel`} [${setupName}]`, n / seconds, "events/s");
  } finally {
    await rs.stop();
  }
}

/**
 * Resident memory of the roomserver before, halfway through and after `total` events in
 * 100 rooms: flat means the second half adds (next to) nothing to the first.
 */
async function memory(setupName: string, total: number): Promise<void> {
  const rs = await startRoomserver(setupName);
  try {
    const rooms = 100;
    const batch = 10_000;
    report(`roomserver resident memory before ${total} events [${setupName}]`, rs.rssMiB(), "MiB");
    for (let done = 0; done < total; done += batch) {
      const { setup, messages } = buildRooms(rs.key, rooms, batch / rooms);
      await inputAll(rs.log, setup);
      await inputAll(rs.log, messages);
      if (done + batch === total / 2) report(`roomserver resident memory after ${total / 2} events [${setupName}]`, rs.rssMiB(), "MiB");
    }
    report(`roomserver resident memory after ${total} events [${setupName}]`, rs.rssMiB(), "MiB");
  } finally {
    await rs.stop();
  }
}

export async function run(): Promise<void> {
  reportMachineSpeed("before roomserver");
  const available = ["embedded", ...(process.env.DENDRITE_TEST_POSTGRES && TEST_NATS_URL ? ["postgres+nats"] : [])];
  const setups = available.filter((s) => !process.env.BENCH_SETUP || s === process.env.BENCH_SETUP);
  const total = Number(process.env.BENCH_EVENTS ?? 5000);
  if (total > 0) {
    for (const setup of setups) {
      await throughput(setup, 1, total);
      await throughput(setup, 100, total);
    }
  }
  const memoryEvents = Number(process.env.BENCH_MEMORY_EVENTS ?? 100_000);
  if (memoryEvents > 0) for (const setup of setups) await memory(setup, memoryEvents);
}
