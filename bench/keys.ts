/**
 * `npm run bench -- keys`: the end-to-end encryption key endpoints as clients use them, for
 * 100 users with 3 devices each (each device's keys real and signed, 40 one-time keys each):
 * POST /keys/query of all 100 users (300 devices) and POST /keys/claim of one key from each of
 * the 300 devices, p50/p99 latency one request at a time; then 50 concurrent claims of one
 * device's last 50 keys, counting keys handed out twice (must be 0). Against the monolith
 * from the built CLI (embedded database and log) and, when DENDRITE_TEST_POSTGRES and
 * DENDRITE_TEST_NATS are set, the polylith. BENCH_SETUP=embedded or postgres+nats runs one
 * setup only. The machine's speed is measured before each setup: figures compare beside it.
 */
import { TEST_NATS_URL, TEST_POSTGRES_URL } from "../testing/backends.js";
import { startMonolith, startPolylith, type Deployment } from "../testing/deployment.js";
import { matrixRequest } from "../testing/http-json.js";
import { TestClient, uniqueName } from "../testing/test-client.js";
import { DeviceCrypto } from "../test/integration/keys/device-crypto.js";
import { percentile, report, reportMachineSpeed } from "./report.js";

const USERS = 100;
const DEVICES_PER_USER = 3;
const KEYS_PER_DEVICE = 40;
const QUERIES = 200;
const CLAIMS = 30; // each takes one key of every device: fewer than KEYS_PER_DEVICE
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };

interface BenchDevice {
  userId: string;
  deviceId: string;
  accessToken: string;
}

/** A user with `DEVICES_PER_USER` devices, each with its keys uploaded. */
async function userWithDevices(baseUrl: string): Promise<BenchDevice[]> {
  const client = await new TestClient(baseUrl).register(uniqueName("keysbench"));
  const devices: BenchDevice[] = [{ userId: client.userId, deviceId: client.deviceId, accessToken: client.accessToken }];
  for (let i = 1; i < DEVICES_PER_USER; i++)
    devices.push({ userId: client.userId, ...(await client.login(client.userId, client.password)) });
  for (const d of devices) {
    const crypto = new DeviceCrypto(d.userId, d.deviceId);
    const body = {
      device_keys: crypto.deviceKeys(),
      one_time_keys: crypto.oneTimeKeys(KEYS_PER_DEVICE),
      fallback_keys: crypto.fallbackKey(),
    };
    await matrixRequest(baseUrl, "POST", "/_matrix/client/v3/keys/upload", d.accessToken, body);
  }
  return devices;
}

async function latencies(n: number, call: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await call();
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

function reportLatencies(name: string, sorted: number[]): void {
  report(`${name} p50`, percentile(sorted, 50), "ms");
  report(`${name} p99`, percentile(sorted, 99), "ms");
}

async function benchSetup(setup: string, start: () => Promise<Deployment>): Promise<void> {
  reportMachineSpeed(`before ${setup}`);
  const server = await start();
  try {
    const base = server.baseUrl;
    const users: BenchDevice[][] = [];
    // Ten users at a time: registration and login hash passwords, which is the slow part.
    for (let i = 0; i < USERS; i += 10) users.push(...(await Promise.all(Array.from({ length: 10 }, () => userWithDevices(base)))));
    const asker = users[0]![0]!;
    const all = users.flat();

    const query = { device_keys: Object.fromEntries(users.map((u) => [u[0]!.userId, []])) };
    const queryOnce = async () => {
      const res = await matrixRequest(base, "POST", "/_matrix/client/v3/keys/query", asker.accessToken, query);
      const found = Object.values(res.device_keys as Record<string, object>).reduce((n, d) => n + Object.keys(d).length, 0);
      if (found !== all.length) throw new Error(`/keys/query found ${found} devices, not ${all.length}`);
    };
    await latencies(10, queryOnce);
    reportLatencies(`POST /keys/query, ${USERS} users x ${DEVICES_PER_USER} devices [${setup}]`, await latencies(QUERIES, queryOnce));

    const claim: Record<string, Record<string, string>> = {};
    for (const d of all) (claim[d.userId] ??= {})[d.deviceId] = "signed_curve25519";
    const claimOnce = async () => {
      const res = await matrixRequest(base, "POST", "/_matrix/client/v3/keys/claim", asker.accessToken, { one_time_keys: claim });
      const got = Object.values(res.one_time_keys as Record<string, object>).reduce((n, d) => n + Object.keys(d).length, 0);
      if (got !== all.length) throw new Error(`/keys/claim gave ${got} keys, not ${all.length}`);
    };
    await latencies(3, claimOnce);
    reportLatencies(`POST /keys/claim, one key of each of ${all.length} devices [${setup}]`, await latencies(CLAIMS, claimOnce));

    // A fresh device with exactly 50 keys (and no fallback key), claimed by 50 requests at once.
    const target = await new TestClient(base).register(uniqueName("keystarget"));
    const targetKeys = new DeviceCrypto(target.userId, target.deviceId);
    const upload = { device_keys: targetKeys.deviceKeys(), one_time_keys: targetKeys.oneTimeKeys(50) };
    await matrixRequest(base, "POST", "/_matrix/client/v3/keys/upload", target.accessToken, upload);
    const want = { one_time_keys: { [target.userId]: { [target.deviceId]: "signed_curve25519" } } };
    const results = await Promise.all(
      all.slice(0, 50).map((c) => matrixRequest(base, "POST", "/_matrix/client/v3/keys/claim", c.accessToken, want)),
    );
    const ids = results.flatMap((r) => Object.keys(r.one_time_keys[target.userId]?.[target.deviceId] ?? {}));
    report(`50 concurrent claims of a device's last 50 keys: keys handed out twice [${setup}]`, ids.length - new Set(ids).size, "keys");
    report(`50 concurrent claims of a device's last 50 keys: claims that got no key [${setup}]`, 50 - ids.length, "claims");
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
