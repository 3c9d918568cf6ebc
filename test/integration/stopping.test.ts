import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  TEST_POSTGRES_URL,
  createPostgresDatabase,
  dropPostgresDatabase,
  suiteVariant,
  withPostgresAndNats,
} from "../../testing/backends.js";
import { CLI, runCli, StartTimeout, startCli, track } from "../../testing/cli-process.js";
import { eventually } from "../../testing/eventually.js";
import { SilentPeer } from "../../testing/silent-peer.js";

/**
 * Stopping at any moment: a server whose start-up is blocked on a peer that never answers
 * (a database or NATS address that accepts and stays silent) still stops on SIGTERM/SIGINT,
 * and the test helpers leave no such server behind. The mocha timeouts below are bounds for
 * a stuck process, not measurements: the CLI itself gives up a stop after 9 s and exits 1.
 */
const PORTS = {
  DENDRITE_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_ROOMSERVER_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_LOGGING_LEVEL: "info",
};

/** Spawns the CLI (tracked, so a failed test leaves nothing behind) and collects its output and exit. */
function spawnCli(args: string[], options: { cwd?: string } = {}) {
  const child = track(spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...PORTS } }));
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Whether the process runs; a zombie (exited, not yet reaped by whoever adopted it) does not. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

async function writeConfig(path: string, flags: string[]): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const generated = await runCli(["generate-config", "--server-name", "stop.test", "--data-dir", dirname(path), ...flags, "-o", path]);
  if (generated.code !== 0) throw new Error(`generate-config failed: ${generated.stderr}`);
}

describe("stopping while start-up is blocked", function () {
  this.timeout(20_000);
  let dir: string;
  let silent: SilentPeer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "dendrite-stopping-"));
    silent = await SilentPeer.start();
  });
  afterEach(async () => {
    await silent.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const silentDatabase = () => `postgres://postgres@127.0.0.1:${silent.port}/never`;

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`start: ${signal} while the database never answers stops the process, with a log line`, async () => {
      await writeConfig(join(dir, "data", "dendrite.yaml"), ["--postgres", silentDatabase()]);
      const proc = spawnCli(["start"], { cwd: dir });
      await silent.firstConnection;
      proc.child.kill(signal);
      const code = await proc.exited;
      expect(code, proc.output()).to.equal(0);
      expect(proc.output()).to.contain('"msg":"stopping during start-up"');
      expect(proc.output()).to.contain(`"signal":"${signal}"`);
      expect(proc.output()).to.contain('"msg":"stopped before start-up finished"');
      expect(proc.output()).not.to.contain('"msg":"listening"');
    });
  }

  withPostgresAndNats("stopping:component-postgres-nats", () =>
    describe("a component process on PostgreSQL whose NATS never answers", () => {
      suiteVariant("stopping:component-postgres-nats");
      it("roomserver: SIGTERM stops it, and undoes what had started", async () => {
        const dbUrl = await createPostgresDatabase(TEST_POSTGRES_URL!);
        try {
          const config = join(dir, "poly.yaml");
          await writeConfig(config, ["--postgres", dbUrl, "--nats", `nats://127.0.0.1:${silent.port}`]);
          const proc = spawnCli(["roomserver", "--config", config]);
          await silent.firstConnection;
          proc.child.kill("SIGTERM");
          expect(await proc.exited, proc.output()).to.equal(0);
          expect(proc.output()).to.contain('"msg":"stopped before start-up finished"');
        } finally {
          await dropPostgresDatabase(TEST_POSTGRES_URL!, dbUrl);
        }
      });
    }),
  );

  it("the test harness kills a server whose start overran its budget", async () => {
    const config = join(dir, "d.yaml");
    await writeConfig(config, ["--postgres", silentDatabase()]);
    const err = await startCli(["monolith", "--config", config], { env: PORTS, timeoutMs: 1_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(StartTimeout);
    const pid = (err as StartTimeout).pid!;
    await eventually(() => !isAlive(pid), 10_000, "the server process is gone");
  });

  it("a server still starting when the test run exits does not outlive it", async () => {
    const config = join(dir, "d.yaml");
    await writeConfig(config, ["--postgres", silentDatabase()]);
    const script = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "start-then-exit.ts");
    const run = track(spawn(process.execPath, ["--import", "tsx", script, config], { env: { ...process.env, ...PORTS } }));
    let out = "";
    run.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await silent.firstConnection;
    const exited = new Promise((resolve) => run.on("exit", resolve));
    run.stdin.end("exit\n");
    await exited;
    const pids = JSON.parse(out.trim()) as number[];
    expect(pids).to.have.length(1);
    await eventually(() => !pids.some(isAlive), 10_000, "the server process is gone");
  });
});
