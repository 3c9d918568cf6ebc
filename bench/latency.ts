/**
 * `npm run bench -- latency`: what one person feels on a small server (issue 16). The
 * monolith from the built CLI, started as an operator starts it, on the embedded database
 * and log and, when DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS are set, on PostgreSQL +
 * NATS (BENCH_SETUP=embedded or postgres+nats runs one only):
 * - start-up: process start to the first `/versions` answer, on a new data folder (new
 *   database) and again on a restart;
 * - resident memory (VmRSS of the server process) at rest after the restart and after
 *   10,000 messages;
 * - one user in one room: 50 warm-up sends, then 500 `PUT /send` one after another
 *   (messages/s, p50/p90/p99) and the server's CPU time per event over them;
 * - 10 users sending at once in that room (messages/s, p50/p99).
 * Rate limits are off (they would measure the limiter). The server logs at its default
 * level, as `npm start` does. The machine's speed is measured before each setup: figures
 * compare only beside it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPostgresDatabase,
  deleteNatsStreams,
  dropPostgresDatabase,
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  uniquePrefix,
} from "../testing/backends.js";
import { CLI, runCli, track } from "../testing/cli-process.js";
import { httpRequest, matrixRequest } from "../testing/http-json.js";
import { TestClient, uniqueName } from "../testing/test-client.js";
import { cpuSeconds, residentMiB } from "./process-stats.js";
import { percentile, report, reportMachineSpeed } from "./report.js";

const WARM_UP = 50;
const SEQUENTIAL = 500;
const CONCURRENT_SENDERS = 10;
const CONCURRENT_PER_SENDER = 100;
const MESSAGES_FOR_MEMORY = Number(process.env.BENCH_LATENCY_MESSAGES ?? 10_000);
/** How long the server idles before its memory at rest is read. */
const REST_MS = 3000;

const ENV: NodeJS.ProcessEnv = {
  DENDRITE_RATE_LIMIT_ENABLED: "false",
  DENDRITE_REGISTRATION_OPEN: "true",
  DENDRITE_HTTP_TRUSTED_PROXIES: "127.0.0.1,::1",
  DENDRITE_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_PUBLIC_BASE_URL: "https://matrix.latency.test",
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Server {
  child: ChildProcess;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the monolith and returns once `/versions` answers, with the milliseconds that took
 * and the CPU time the process used meanwhile (which the machine's load changes less).
 */
async function startServer(config: string, env: NodeJS.ProcessEnv, port: number): Promise<{ server: Server; ms: number; cpuMs: number }> {
  const started = performance.now();
  const child = track(
    spawn(process.execPath, [CLI, "monolith", "--config", config], {
      env: { ...process.env, ...env, DENDRITE_HTTP_LISTEN: `127.0.0.1:${port}` },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-64 * 1024);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited: number | null | undefined;
  child.on("exit", (code) => (exited = code));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited !== undefined) throw new Error(`the monolith exited with ${exited} before answering:\n${output}`);
    if (performance.now() - started > 120_000) {
      child.kill("SIGKILL");
      throw new Error(`the monolith did not answer /versions within 120 s:\n${output}`);
    }
    const answered = await httpRequest(`${baseUrl}/_matrix/client/versions`, { method: "GET" }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (answered) break;
    await sleep(5);
  }
  const ms = performance.now() - started;
  const cpuMs = cpuSeconds(child.pid!) * 1000;
  const stop = async () => {
    if (exited !== undefined) return;
    const gone = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await gone;
    if (exited !== 0) throw new Error(`the monolith exited with ${exited} on SIGTERM:\n${output}`);
  };
  return { server: { child, baseUrl, stop }, ms, cpuMs };
}

async function send(client: TestClient, room: string, txn: string): Promise<number> {
  const started = performance.now();
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${txn}`;
  await matrixRequest(client.baseUrl, "PUT", path, client.accessToken, { msgtype: "m.text", body: `message ${txn}` });
  return performance.now() - started;
}

/** Each sender sends `perSender` messages one after another, all senders at once; returns the sorted latencies and the seconds taken. */
async function sendTogether(senders: TestClient[], room: string, perSender: number, label: string) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    senders.map(async (client, s) => {
      for (let i = 0; i < perSender; i++) latencies.push(await send(client, room, `${label}-${s}-${i}`));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { latencies: latencies.sort((a, b) => a - b), seconds };
}

async function benchSetup(setup: string, generateFlags: string[], env: NodeJS.ProcessEnv): Promise<void> {
  reportMachineSpeed(`before ${setup}`);
  const dir = mkdtempSync(join(tmpdir(), "dendrite-latency-"));
  const config = join(dir, "dendrite.yaml");
  let server: Server | null = null;
  try {
    const generated = await runCli(["generate-config", "--server-name", "latency.test", "--data-dir", dir, ...generateFlags, "-o", config]);
    if (generated.code !== 0) throw new Error(`generate-config failed: ${generated.stderr}`);
    const port = await freePort();
    const allEnv = { ...ENV, ...env };

    const fresh = await startServer(config, allEnv, port);
    report(`start to first /versions, new data [${setup}]`, fresh.ms, "ms");
    report(`start to first /versions, new data, server CPU [${setup}]`, fresh.cpuMs, "ms");
    await fresh.server.stop();
    const again = await startServer(config, allEnv, port);
    server = again.server;
    report(`start to first /versions, restart [${setup}]`, again.ms, "ms");
    report(`start to first /versions, restart, server CPU [${setup}]`, again.cpuMs, "ms");
    const pid = server.child.pid!;
    await sleep(REST_MS);
    report(`resident memory at rest after start [${setup}]`, residentMiB(pid), "MB");

    const clients = await Promise.all(
      Array.from({ length: CONCURRENT_SENDERS }, () => new TestClient(server!.baseUrl).register(uniqueName("latency"))),
    );
    const alice = clients[0]!;
    const room = (await alice.expectOk("POST", "/createRoom", { body: { preset: "public_chat" } })).room_id as string;
    let sent = 0;

    for (let i = 0; i < WARM_UP; i++) await send(alice, room, `warm-${i}`);
    sent += WARM_UP;
    const cpuBefore = cpuSeconds(pid);
    const sequential = await sendTogether([alice], room, SEQUENTIAL, "seq");
    const cpu = cpuSeconds(pid) - cpuBefore;
    sent += SEQUENTIAL;
    const seqName = `PUT /send, one user, one at a time [${setup}]`;
    report(seqName, SEQUENTIAL / sequential.seconds, "messages/s");
    for (const p of [50, 90, 99]) report(`${seqName} p${p}`, percentile(sequential.latencies, p), "ms");
    report(`server CPU per event, one at a time [${setup}]`, (cpu * 1000) / SEQUENTIAL, "ms");
    report(`server CPU, one at a time [${setup}]`, (cpu / sequential.seconds) * 100, "% of a core");

    for (const client of clients.slice(1)) await client.expectOk("POST", `/join/${encodeURIComponent(room)}`, { body: {} });
    await sendTogether(clients, room, 10, "warm-together");
    sent += CONCURRENT_SENDERS * 10;
    const together = await sendTogether(clients, room, CONCURRENT_PER_SENDER, "together");
    sent += CONCURRENT_SENDERS * CONCURRENT_PER_SENDER;
    const togetherName = `PUT /send, ${CONCURRENT_SENDERS} users at once, one room [${setup}]`;
    report(togetherName, together.latencies.length / together.seconds, "messages/s");
    for (const p of [50, 99]) report(`${togetherName} p${p}`, percentile(together.latencies, p), "ms");

    if (sent < MESSAGES_FOR_MEMORY) {
      const perSender = Math.ceil((MESSAGES_FOR_MEMORY - sent) / CONCURRENT_SENDERS);
      await sendTogether(clients, room, perSender, "fill");
      sent += perSender * CONCURRENT_SENDERS;
    }
    await sleep(REST_MS);
    report(`resident memory at rest after ${sent} messages [${setup}]`, residentMiB(pid), "MB");
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const only = process.env.BENCH_SETUP;
  if (!only || only === "embedded") await benchSetup("embedded", [], {});
  if ((!only || only === "postgres+nats") && TEST_POSTGRES_URL && TEST_NATS_URL) {
    const dbUrl = await createPostgresDatabase(TEST_POSTGRES_URL);
    const prefix = uniquePrefix();
    try {
      await benchSetup("postgres+nats", ["--postgres", dbUrl, "--nats", TEST_NATS_URL], { DENDRITE_EVENT_LOG_STREAM_PREFIX: prefix });
    } finally {
      await deleteNatsStreams(TEST_NATS_URL, prefix);
      await dropPostgresDatabase(TEST_POSTGRES_URL, dbUrl);
    }
  }
}
