/**
 * `npx tsx scripts/trace-send.ts [data-dir]`: where the time of one `PUT /send` goes on the
 * embedded monolith. Runs the monolith in this process (so the trace sees inside it), sends
 * 50 warm-up messages, then traces a few sends one at a time: every database statement with
 * when it was issued, when it started (PGlite runs one at a time) and ended, relative to the
 * request's start, and every log publish and verdict. A diagnosis tool, not a bench.
 * TRACE_SENDS sets how many sends are traced; TRACE_PROFILE=file.cpuprofile also writes a
 * CPU profile of the traced sends (open it in Chrome's DevTools).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PGlite } from "@electric-sql/pglite";
import { runGenerateConfig } from "../cli/commands/generate-config.js";
import { ProcessRuntime } from "../cli/runtime.js";
import { loadConfigFile } from "../components/internal/config/load.js";
import { COMPONENTS } from "../cli/components.js";
import { COMPONENT_NAMES } from "../components/internal/config/types.js";
import { InProcessLog } from "../components/internal/eventlog/inprocess/log.js";
import { createLogger } from "../components/internal/logging/logger.js";

const TRACED = Number(process.env.TRACE_SENDS ?? 5);
let t0 = 0;
let tracing = false;
const lines: string[] = [];
const at = () => (performance.now() - t0).toFixed(2).padStart(7);
const note = (what: string) => tracing && lines.push(`${at()}  ${what}`);

// PGlite runs one statement at a time: a statement's wait is the queue ahead of it.
let busyUntil = 0;
for (const method of ["query", "exec"] as const) {
  const original = PGlite.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  (PGlite.prototype as unknown as Record<string, unknown>)[method] = async function (this: PGlite, sql: string, ...rest: unknown[]) {
    const issued = performance.now();
    const result = await original.call(this, sql, ...rest);
    const ended = performance.now();
    if (tracing) {
      const started = Math.max(issued, busyUntil);
      lines.push(
        `${at()}  db ${(ended - started).toFixed(2)} ms (queued ${(started - issued).toFixed(2)}): ${sql.replace(/\s+/g, " ").slice(0, 110)}`,
      );
    }
    busyUntil = ended;
    return result;
  };
}
const originalTransaction = PGlite.prototype.transaction;
PGlite.prototype.transaction = async function (this: PGlite, work: Parameters<PGlite["transaction"]>[0]) {
  note("transaction begins");
  const wrapped: typeof work = async (tx) => {
    const q = tx.query.bind(tx);
    tx.query = (async (sql: string, params?: unknown[]) => {
      const s = performance.now();
      const r = await q(sql, params);
      note(`  tx ${(performance.now() - s).toFixed(2)} ms: ${sql.replace(/\s+/g, " ").slice(0, 100)}`);
      return r;
    }) as typeof tx.query;
    return work(tx);
  };
  const result = await originalTransaction.call(this, wrapped);
  note("transaction committed");
  return result;
} as typeof PGlite.prototype.transaction;
const originalPublish = InProcessLog.prototype.publish;
InProcessLog.prototype.publish = async function (this: InProcessLog, subject, data, options) {
  note(`log publish ${subject.split(".")[0]} issued`);
  const r = await originalPublish.call(this, subject, data, options);
  note(`log publish ${subject.split(".")[0]} stored seq ${r.seq}`);
  return r;
};
const originalReply = InProcessLog.prototype.reply;
InProcessLog.prototype.reply = async function (this: InProcessLog, answers) {
  note(`verdict sent (${answers.length})`);
  return originalReply.call(this, answers);
};

async function call(base: string, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const dir = mkdtempSync(join(tmpdir(), "dendrite-trace-"));
try {
  const config = join(dir, "dendrite.yaml");
  runGenerateConfig(["--server-name", "trace.test", "--data-dir", dir, "-o", config]);
  const template = process.argv[2];
  if (template && existsSync(template)) cpSync(template, join(dir, "pglite"), { recursive: true });
  process.env.DENDRITE_RATE_LIMIT_ENABLED = "false";
  process.env.DENDRITE_REGISTRATION_OPEN = "true";
  process.env.DENDRITE_HTTP_LISTEN = "127.0.0.1:0";
  process.env.DENDRITE_GRPC_LISTEN = "127.0.0.1:0";
  const loaded = loadConfigFile(config);
  const runtime = await ProcessRuntime.start(
    loaded,
    COMPONENT_NAMES.filter((n) => COMPONENTS[n]),
    createLogger("warn"),
    true,
  );
  const base = `http://127.0.0.1:${runtime.listeners.http[0]!.port}`;
  const first = await call(base, "POST", "/_matrix/client/v3/register", null, { username: "tracer", password: "a password" });
  const reg = await call(base, "POST", "/_matrix/client/v3/register", null, {
    username: "tracer",
    password: "a password",
    auth: { type: "m.login.dummy", session: first.body.session },
  });
  const token = reg.body.access_token as string;
  const room = (await call(base, "POST", "/_matrix/client/v3/createRoom", token, {})).body.room_id as string;
  const send = (txn: string) =>
    call(base, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${txn}`, token, {
      msgtype: "m.text",
      body: txn,
    });
  for (let i = 0; i < 50; i++) await send(`warm-${i}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const profile = process.env.TRACE_PROFILE;
  const inspector = new Session();
  if (profile) {
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
  }
  for (let i = 0; i < TRACED; i++) {
    lines.push(`--- send ${i}`);
    tracing = true;
    t0 = performance.now();
    const answer = await send(`traced-${i}`);
    note(`answer ${answer.status}`);
    // What follows the answer (outputs, the syncapi's consumer, acks) competes with the next send.
    await new Promise((resolve) => setTimeout(resolve, 50));
    tracing = false;
  }
  if (profile) writeFileSync(profile, JSON.stringify((await inspector.post("Profiler.stop")).profile));
  console.log(lines.join("\n"));
  await runtime.stop();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
