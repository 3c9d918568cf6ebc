/**
 * `npm run bench -- send`: PUT /send as clients see it — messages per second and p50/p99
 * latency with 50 clients sending at once, each in its own room and all in one room —
 * against the monolith from the built CLI (embedded database and log) and, when
 * DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS are set, the polylith (separate roomserver,
 * userapi and clientapi processes). Rate limits are off: they would measure the limiter.
 * The clients send through node:http with keep-alive: fetch would cost this process (on the
 * server's machine) several times the CPU per request. BENCH_SEND_MESSAGES sizes the runs;
 * BENCH_SETUP=embedded or postgres+nats runs one setup only. The machine's speed (CPU and
 * disk flushes) is measured before each setup: the figures compare only beside it.
 */
import { TEST_NATS_URL, TEST_POSTGRES_URL } from "../testing/backends.js";
import { startMonolith, startPolylith, type Deployment } from "../testing/deployment.js";
import { matrixRequest } from "../testing/http-json.js";
import { TestClient, uniqueName } from "../testing/test-client.js";
import { percentile, report, reportMachineSpeed } from "./report.js";

const CLIENTS = 50;
const MESSAGES = Number(process.env.BENCH_SEND_MESSAGES ?? 5000);
const WARM_UP_PER_CLIENT = 20;
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };

async function createRoom(client: TestClient, body: Record<string, unknown>): Promise<string> {
  return (await client.expectOk("POST", "/createRoom", { body })).room_id as string;
}

/** Each client sends `perClient` messages one after another, all clients at once; returns the latencies (ms). */
async function sendAll(clients: TestClient[], rooms: string[], perClient: number, label: string): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    clients.map(async (client, c) => {
      const room = encodeURIComponent(rooms[c % rooms.length]!);
      for (let i = 0; i < perClient; i++) {
        const started = performance.now();
        const path = `/_matrix/client/v3/rooms/${room}/send/m.room.message/${label}-${i}`;
        await matrixRequest(client.baseUrl, "PUT", path, client.accessToken, { msgtype: "m.text", body: `message ${i}` });
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function measure(setup: string, clients: TestClient[], rooms: string[], scenario: string): Promise<void> {
  await sendAll(clients, rooms, WARM_UP_PER_CLIENT, `warm-${scenario}`);
  const perClient = Math.ceil(MESSAGES / clients.length);
  const started = performance.now();
  const latencies = await sendAll(clients, rooms, perClient, `run-${scenario}`);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const name = `PUT /send, ${CLIENTS} clients, ${scenario} [${setup}]`;
  report(`${name}`, latencies.length / seconds, "messages/s");
  report(`${name} p50`, percentile(latencies, 50), "ms");
  report(`${name} p99`, percentile(latencies, 99), "ms");
}

async function benchSetup(setup: string, start: () => Promise<Deployment>): Promise<void> {
  reportMachineSpeed(`before ${setup}`);
  const server = await start();
  try {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => new TestClient(server.baseUrl).register(uniqueName("bench"))));
    const ownRooms = await Promise.all(clients.map((c) => createRoom(c, {})));
    await measure(setup, clients, ownRooms, "one room each");

    const shared = await createRoom(clients[0]!, { preset: "public_chat" });
    for (const client of clients.slice(1)) await client.expectOk("POST", `/join/${encodeURIComponent(shared)}`, { body: {} });
    await measure(setup, clients, [shared], "all in one room");
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<void> {
  const only = process.env.BENCH_SETUP;
  if (!only || only === "embedded") await benchSetup("embedded", () => startMonolith(ENV));
  if ((!only || only === "postgres+nats") && TEST_POSTGRES_URL && TEST_NATS_URL)
    await benchSetup("postgres+nats", () => startPolylith(ENV));
}
