/**
 * `npm run bench -- sync`: what /sync readers see.
 *
 * - Delivery latency: 20 clients long-poll /sync (with `since`, as real clients do) while
 *   messages go out at 200 events/s: ~10 s of warm-up, then ~10 s measured. The 20 rooms
 *   form a ring: client i sends in room i, which client i+1 shares, so every client syncs
 *   two rooms and every event has a sender and one other member. Latency runs from just before the PUT /send to the moment
 *   the event is in the other member's /sync response.
 * - Initial sync: one user in 200 rooms of 50 messages (after the rooms' creation events),
 *   all built through the client API; the time of one full initial /sync, then of a repeat.
 *
 * Against the monolith from the built CLI (embedded database and log) and, when
 * DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS are set, the polylith (roomserver, userapi,
 * clientapi and syncapi processes). The measured sends and syncs go straight to the
 * clientapi and the syncapi, as an Ingress would route them; the rest through the tests'
 * path-routing proxy.
 * BENCH_SYNC_RATE, BENCH_SYNC_WARMUP_SECONDS, BENCH_SYNC_SECONDS and BENCH_SYNC_ROOMS (0 skips
 * the initial sync) size the runs; BENCH_SYNC_SETUP=embedded or postgres+nats runs one setup only.
 *
 * The clients run in this process: their work shares the machine with the server's, so
 * their hot loops use node:http with keep-alive rather than fetch (several times the CPU).
 */
import { TEST_NATS_URL, TEST_POSTGRES_URL } from "../testing/backends.js";
import { startMonolith, startPolylith, type Deployment } from "../testing/deployment.js";
import { matrixRequest } from "../testing/http-json.js";
import { SyncClient, type Json } from "../testing/sync-client.js";
import { percentile, report, reportMachineSpeed } from "./report.js";

const CLIENTS = 20;
const RATE = Number(process.env.BENCH_SYNC_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SYNC_SECONDS ?? 10);
/**
 * Seconds of the same traffic before measuring, not counted: a server just started is cold
 * (its JIT, PGlite's caches), and on the embedded server latency falls for several seconds
 * from ~70 ms to its steady level. The figures are of a server that has been running.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_SYNC_WARMUP_SECONDS ?? 10);
const INITIAL_ROOMS = Number(process.env.BENCH_SYNC_ROOMS ?? 200);
const MESSAGES_PER_ROOM = 50;
/** Room builders at once: enough to keep the server busy without measuring a queue. */
const BUILDERS = 8;
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };
/** Room for a burst: a `limited` timeline would leave events out of the sync. */
const LOOP_FILTER = JSON.stringify({ room: { timeline: { limit: 100 } } });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const roomPath = (roomId: string) => `/rooms/${encodeURIComponent(roomId)}`;

/** Connection failures in a row a sync loop retries, as a client app does, before giving up. */
const SYNC_RETRIES = 5;

/** A client's sync loop: long-polls from `since` until aborted, handing each response over as it arrives. */
async function syncLoop(
  server: Deployment,
  client: SyncClient,
  since: string,
  signal: AbortSignal,
  onResponse: (res: Json, at: number) => void,
): Promise<void> {
  let token = since;
  let failures = 0;
  while (!signal.aborted) {
    const query = new URLSearchParams({ since: token, timeout: "30000", filter: LOOP_FILTER }).toString();
    let res: Json;
    try {
      res = await matrixRequest(server.readerUrl, "GET", `/_matrix/client/v3/sync?${query}`, client.accessToken, undefined, signal);
    } catch (err) {
      if (signal.aborted) return;
      if (++failures > SYNC_RETRIES) throw err;
      await sleep(100);
      continue;
    }
    failures = 0;
    onResponse(res, performance.now());
    token = res.next_batch;
  }
}

/** The bench numbers of the messages in a sync response that `self` did not send. */
function receivedNumbers(res: Json, self: string): number[] {
  const found: number[] = [];
  for (const room of Object.values<Json>(res.rooms?.join ?? {})) {
    for (const e of room.timeline.events as Json[]) {
      if (e.sender !== self && typeof e.content?.bench_n === "number") found.push(e.content.bench_n);
    }
  }
  return found;
}

/** The ring: room i made by client i, joined by client i+1. */
async function ring(server: Deployment): Promise<{ clients: SyncClient[]; rooms: string[] }> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => SyncClient.make(server, "bench")));
  const rooms = await Promise.all(clients.map((c) => c.createRoom({ preset: "public_chat" })));
  await Promise.all(rooms.map((roomId, i) => clients[(i + 1) % CLIENTS]!.join(roomId)));
  return { clients, rooms };
}

async function deliveryLatency(setup: string, server: Deployment): Promise<void> {
  const { clients, rooms } = await ring(server);
  const warmup = Math.ceil((RATE * WARMUP_SECONDS) / CLIENTS) * CLIENTS;
  const total = Math.ceil((RATE * SECONDS) / CLIENTS) * CLIENTS;
  const sentAt = new Map<number, number>();
  const answeredAt = new Map<number, number>();
  const latencies: number[] = [];
  /** From the PUT's answer to the sync: the readers' share, apart from queueing at the writers. */
  const afterAnswer: number[] = [];
  let allDelivered = () => {};
  const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
  const stop = new AbortController();
  const starts = await Promise.all(clients.map((c) => c.sync({ filter: LOOP_FILTER })));
  let loopFailure: unknown = null;
  const loops = clients.map((client, i) =>
    syncLoop(server, client, starts[i]!.next_batch, stop.signal, (res, at) => {
      for (const n of receivedNumbers(res, client.userId)) {
        if (n < warmup) continue;
        latencies.push(at - sentAt.get(n)!);
        // An answer that arrives after the sync (the two race) counts as no wait at all.
        afterAnswer.push(Math.max(0, at - (answeredAt.get(n) ?? at)));
        if (latencies.length === total) allDelivered();
      }
    }).catch((err: unknown) => {
      loopFailure ??= err;
      allDelivered(); // nothing more will come through this loop: stop waiting
    }),
  );

  // Each client sends its share on schedule, one request at a time as a client app does; a
  // server that falls behind slows the senders down (the rate reached is reported) rather
  // than piling up thousands of requests in flight. Messages [first, first + count).
  const sendAtRate = async (first: number, count: number) => {
    const started = performance.now();
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = c; i < count; i += CLIENTS) {
          const n = first + i;
          const wait = started + (i * 1000) / RATE - performance.now();
          if (wait > 0) await sleep(wait);
          sentAt.set(n, performance.now());
          const path = `/_matrix/client/v3${roomPath(rooms[c]!)}/send/m.room.message/bench-${n}`;
          await matrixRequest(server.writerUrl, "PUT", path, client.accessToken, { msgtype: "m.text", body: `message ${n}`, bench_n: n });
          answeredAt.set(n, performance.now());
        }
      }),
    );
    return (performance.now() - started) / 1000;
  };
  await sendAtRate(0, warmup);
  const sendSeconds = await sendAtRate(warmup, total);
  const timedOut = await Promise.race([delivered.then(() => false), sleep(30_000).then(() => true)]);
  stop.abort();
  await Promise.all(loops);
  if (loopFailure) throw loopFailure;
  if (timedOut) throw new Error(`only ${latencies.length} of ${total} messages reached the other client's /sync`);

  latencies.sort((a, b) => a - b);
  afterAnswer.sort((a, b) => a - b);
  const name = `send-to-sync delivery, ${CLIENTS} syncing clients in ${CLIENTS} rooms [${setup}]`;
  report(`${name}, messages sent`, total / sendSeconds, "events/s");
  report(`${name} p50`, percentile(latencies, 50), "ms");
  report(`${name} p99`, percentile(latencies, 99), "ms");
  report(`${name}, from the PUT's answer, p50`, percentile(afterAnswer, 50), "ms");
  report(`${name}, from the PUT's answer, p99`, percentile(afterAnswer, 99), "ms");
}

/** One user in `INITIAL_ROOMS` rooms of `MESSAGES_PER_ROOM` messages each; resolves once the syncapi has them all. */
async function crowdedUser(server: Deployment): Promise<SyncClient> {
  const user = await SyncClient.make(server, "crowded");
  let next = 0;
  const build = async () => {
    while (next < INITIAL_ROOMS) {
      const r = next++;
      const roomId = await user.createRoom({ preset: "private_chat", name: `room ${r}` });
      let last = "";
      for (let m = 0; m < MESSAGES_PER_ROOM; m++) {
        const sent = await user.expectOk("PUT", `${roomPath(roomId)}/send/m.room.message/r${r}m${m}`, {
          body: { msgtype: "m.text", body: `message ${m} of room ${r}` },
        });
        last = sent.event_id as string;
      }
      await user.seen(roomId, last, 60_000);
    }
  };
  await Promise.all(Array.from({ length: BUILDERS }, build));
  return user;
}

async function initialSync(setup: string, server: Deployment): Promise<void> {
  const user = await crowdedUser(server);
  for (const attempt of ["first", "repeated"]) {
    const started = performance.now();
    const res = await user.request("GET", "/sync", { query: { timeout: "0" } });
    const ms = performance.now() - started;
    const rooms = Object.keys((res.body.rooms as Json | undefined)?.join ?? {}).length;
    if (res.status !== 200 || rooms !== INITIAL_ROOMS) throw new Error(`initial sync: ${res.status}, ${rooms} of ${INITIAL_ROOMS} rooms`);
    report(`initial /sync, 1 user in ${INITIAL_ROOMS} rooms of ${MESSAGES_PER_ROOM} messages, ${attempt} [${setup}]`, ms, "ms");
  }
}

async function benchSetup(setup: string, start: () => Promise<Deployment>): Promise<void> {
  const server = await start();
  try {
    await deliveryLatency(setup, server);
    if (INITIAL_ROOMS > 0) await initialSync(setup, server);
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<void> {
  reportMachineSpeed("before sync");
  if (process.env.BENCH_SYNC_SETUP !== "postgres+nats") await benchSetup("embedded", () => startMonolith(ENV));
  if (process.env.BENCH_SYNC_SETUP === "embedded") return;
  if (TEST_POSTGRES_URL && TEST_NATS_URL) await benchSetup("postgres+nats", () => startPolylith(ENV, { syncapi: true }));
}
