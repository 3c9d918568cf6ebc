import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPostgresDatabase,
  deleteNatsStreams,
  dropPostgresDatabase,
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  uniquePrefix,
} from "./backends.js";
import { CLI, runCli, START_BUDGET_MS, startCli, track, type RunningProcess } from "./cli-process.js";
import type { ComponentName } from "../components/internal/config/types.js";
import { ComponentProxy } from "./component-proxy.js";

/** A server under test, reached over HTTP like any client reaches it. */
export interface Deployment {
  readonly baseUrl: string;
  readonly serverName: string;
  readonly publicBaseUrl: string;
  readonly sharedSecret: string;
  /** Accounts made with `create-account` before the server started: username → password. */
  readonly cliAccounts: Readonly<Record<string, string>>;
  /** The server's data_dir (media files live under its media/). */
  readonly dataDir: string;
  /** The roomserver's gRPC address, where tests read room state (no reader component serves it yet). */
  readonly roomserverGrpc: string;
  /** The userapi's gRPC address (the monolith's one gRPC port, or the userapi process's). */
  readonly userapiGrpc: string;
  /** The secret every gRPC call between the deployment's components carries. */
  readonly grpcSecret: string;
  /** What the server's processes have logged so far. */
  output(): string;
  /** Where each of the server's processes serves its metrics: process name → URL. */
  readonly metricsUrls: Readonly<Record<string, string>>;
  /**
   * Where the writers' and readers' HTTP is served; the same as baseUrl unless components
   * run apart behind the path-routing proxy. Benches send straight there, as an Ingress
   * routes by path, so the proxy's hop (a test artifact, in the bench's own process on the
   * server's machine) is not measured.
   */
  readonly writerUrl: string;
  readonly readerUrl: string;
  /**
   * The monolith only: stops the server and starts it again on the same data and the same
   * ports, as an operator's restart does; clients keep their URL and tokens.
   */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a suite's `before` allows for starting a deployment: the polylith starts up to four
 * processes one after another, after CLI runs. It is well above the sum of their budgets, so
 * on a slow machine a start that overruns is reported (and killed) by the helper that knows
 * which process it was, not cut short by mocha's hook timeout.
 */
export const DEPLOYMENT_START_BUDGET_MS = 5 * START_BUDGET_MS;

/** The userapi suite's cases name this server in IDs; every suite shares it. */
export const SERVER_NAME = "userapi.test";
const PUBLIC_BASE_URL = "https://matrix.userapi.test";
const SHARED_SECRET = "the shared secret of the userapi suite";

/** Accounts every deployment gets from the CLI, one per way of passing the password. */
const CLI_ACCOUNTS = { operator: "operator password", piped: "password from stdin" };

/**
 * Ports chosen by the OS, and the registration settings the suite exercises. The tests'
 * clients each claim an address of their own with X-Forwarded-For (test-client.ts), as
 * users behind a reverse proxy do, so loopback is the trusted proxy.
 */
const ENV: NodeJS.ProcessEnv = {
  DENDRITE_HTTP_TRUSTED_PROXIES: "127.0.0.1,::1",
  DENDRITE_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_ROOMSERVER_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_ROOMSERVER_METRICS_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_USERAPI_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_USERAPI_METRICS_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_CLIENTAPI_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_CLIENTAPI_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_SYNCAPI_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_SYNCAPI_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_MEDIAAPI_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_MEDIAAPI_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_PUBLIC_BASE_URL: PUBLIC_BASE_URL,
  DENDRITE_REGISTRATION_OPEN: "true",
  DENDRITE_REGISTRATION_GUESTS: "true",
  DENDRITE_REGISTRATION_SHARED_SECRET: SHARED_SECRET,
};

/** Runs `create-account`, feeding `stdin` to it when given; resolves with its exit code and output. */
export function createAccountWithCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string) {
  if (stdin === undefined) return runCli(["create-account", ...args], { env });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = track(spawn(process.execPath, [CLI, "create-account", ...args, "--password-stdin"], { env: { ...process.env, ...env } }));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${stdin}\n`);
  });
}

async function writeConfig(dir: string, extraFlags: string[]): Promise<string> {
  const config = join(dir, "dendrite.yaml");
  const result = await runCli(["generate-config", "--server-name", SERVER_NAME, "--data-dir", dir, ...extraFlags, "-o", config]);
  if (result.code !== 0) throw new Error(`generate-config failed: ${result.stderr}`);
  return config;
}

async function createCliAccounts(config: string, env: NodeJS.ProcessEnv): Promise<void> {
  const first = await createAccountWithCli(
    ["--config", config, "--username", "operator", "--password", CLI_ACCOUNTS.operator, "--admin"],
    env,
  );
  const second = await createAccountWithCli(["--config", config, "--username", "piped"], env, CLI_ACCOUNTS.piped);
  for (const result of [first, second]) {
    if (result.code !== 0) throw new Error(`create-account failed (${result.code}): ${result.stderr}`);
  }
}

/**
 * The embedded database with the CLI accounts in it, made once per test run by the real CLI
 * (`generate-config`, then `create-account` twice) and copied into each monolith's data
 * folder. Creating an embedded database runs PostgreSQL's initdb in WASM, several seconds of
 * CPU (15 s on a loaded 2-core machine) that every monolith used to pay before it started;
 * the accounts depend only on the server name, which every deployment shares. What
 * create-account does on a fresh folder is still tested, here once a run and in the userapi
 * suite's create-account cases.
 */
let embeddedTemplate: Promise<string> | null = null;

function embeddedDatabaseWithCliAccounts(): Promise<string> {
  embeddedTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "dendrite-template-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    await createCliAccounts(await writeConfig(dir, []), ENV);
    return join(dir, "pglite");
  })();
  return embeddedTemplate;
}

interface Ports {
  http: number;
  roomserverGrpc: number;
  userapiGrpc: number;
  writer?: number;
  reader?: number;
}

/** The URL of a process's metrics: its metrics-only listener, or else its (first) HTTP listener. */
function metricsUrl(proc: RunningProcess): string {
  return `http://127.0.0.1:${proc.metricsPort ?? proc.httpPorts[0]}/metrics`;
}

function deployment(
  dir: string,
  ports: Ports,
  processes: () => RunningProcess[],
  stop: () => Promise<void>,
  metricsUrls: Record<string, string>,
): Deployment {
  return {
    // A restarted monolith keeps its ports, so these stay right.
    metricsUrls,
    baseUrl: `http://127.0.0.1:${ports.http}`,
    writerUrl: `http://127.0.0.1:${ports.writer ?? ports.http}`,
    readerUrl: `http://127.0.0.1:${ports.reader ?? ports.http}`,
    roomserverGrpc: `127.0.0.1:${ports.roomserverGrpc}`,
    userapiGrpc: `127.0.0.1:${ports.userapiGrpc}`,
    // Written by generate-config, like the signing key.
    grpcSecret: readFileSync(join(dir, "grpc.secret"), "utf8").trim(),
    output: () =>
      processes()
        .map((proc) => proc.output())
        .join("\n"),
    serverName: SERVER_NAME,
    dataDir: dir,
    publicBaseUrl: PUBLIC_BASE_URL,
    sharedSecret: SHARED_SECRET,
    cliAccounts: CLI_ACCOUNTS,
    stop,
  };
}

async function stopAll(processes: RunningProcess[]): Promise<void> {
  for (const proc of processes.reverse()) {
    const { code } = await proc.stop("SIGTERM");
    if (code !== 0) throw new Error(`process exited with ${code} on SIGTERM:\n${proc.output()}`);
  }
}

/** The monolith on the embedded database and log, from the built CLI. `env` overrides settings. */
export async function startMonolith(env: NodeJS.ProcessEnv = {}): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), "dendrite-monolith-"));
  const config = await writeConfig(dir, []);
  const allEnv = { ...ENV, ...env };
  // The accounts `create-account` made (once a run) are copied in before the server opens the folder.
  cpSync(await embeddedDatabaseWithCliAccounts(), join(dir, "pglite"), { recursive: true });
  let proc = await startCli(["monolith", "--config", config], { env: allEnv });
  const [port, grpcPort] = [proc.httpPorts[0]!, proc.grpcPort];
  const ports = { http: port, roomserverGrpc: grpcPort, userapiGrpc: grpcPort };
  return {
    ...deployment(
      dir,
      ports,
      () => [proc],
      async () => {
        await stopAll([proc]);
        rmSync(dir, { recursive: true, force: true });
      },
      { monolith: metricsUrl(proc) },
    ),
    async restart() {
      await stopAll([proc]);
      const samePorts = { DENDRITE_HTTP_LISTEN: `127.0.0.1:${port}`, DENDRITE_GRPC_LISTEN: `127.0.0.1:${grpcPort}` };
      proc = await startCli(["monolith", "--config", config], { env: { ...allEnv, ...samePorts } });
    },
  };
}

export interface PolylithOptions {
  /** Also run a syncapi process, with a path-routing proxy in front as an Ingress would be. */
  syncapi?: boolean;
  /** Also run a mediaapi process, behind the same proxy. */
  mediaapi?: boolean;
}

/**
 * The polylith: separate roomserver, userapi and clientapi processes on a fresh PostgreSQL
 * database and their own NATS stream prefix. The clientapi dials the others at the ports
 * they reported.
 */
export async function startPolylith(extraEnv: NodeJS.ProcessEnv = {}, options: PolylithOptions = {}): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), "dendrite-polylith-"));
  const dbUrl = await createPostgresDatabase(TEST_POSTGRES_URL!);
  const prefix = uniquePrefix();
  const config = await writeConfig(dir, ["--postgres", dbUrl, "--nats", TEST_NATS_URL!]);
  const env = { ...ENV, ...extraEnv, DENDRITE_EVENT_LOG_STREAM_PREFIX: prefix };
  const started: RunningProcess[] = [];
  const cleanUp = async () => {
    await deleteNatsStreams(TEST_NATS_URL!, prefix);
    await dropPostgresDatabase(TEST_POSTGRES_URL!, dbUrl);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await createCliAccounts(config, env);
    const roomserver = await startCli(["roomserver", "--config", config], { env });
    started.push(roomserver);
    const userapi = await startCli(["userapi", "--config", config], { env });
    started.push(userapi);
    const clientapi = await startCli(["clientapi", "--config", config], {
      env: {
        ...env,
        DENDRITE_COMPONENTS_ROOMSERVER_GRPC_LISTEN: `127.0.0.1:${roomserver.grpcPort}`,
        DENDRITE_COMPONENTS_USERAPI_GRPC_LISTEN: `127.0.0.1:${userapi.grpcPort}`,
      },
    });
    started.push(clientapi);
    let proxy: ComponentProxy | null = null;
    let syncapiPort: number | undefined;
    const metricsUrls: Record<string, string> = {
      roomserver: metricsUrl(roomserver),
      userapi: metricsUrl(userapi),
      clientapi: metricsUrl(clientapi),
    };
    const targets: Partial<Record<ComponentName, string>> = { clientapi: `http://127.0.0.1:${clientapi.httpPorts[0]}` };
    for (const name of ["syncapi", "mediaapi"] as const) {
      if (!options[name]) continue;
      const proc = await startCli([name, "--config", config], {
        env: { ...env, DENDRITE_COMPONENTS_USERAPI_GRPC_LISTEN: `127.0.0.1:${userapi.grpcPort}` },
      });
      started.push(proc);
      if (name === "syncapi") syncapiPort = proc.httpPorts[0]!;
      metricsUrls[name] = metricsUrl(proc);
      targets[name] = `http://127.0.0.1:${proc.httpPorts[0]}`;
    }
    if (options.syncapi || options.mediaapi) proxy = await ComponentProxy.start(targets);
    const stop = async () => {
      await proxy?.stop();
      await stopAll(started);
      await cleanUp();
    };
    const ports = {
      http: proxy?.port ?? clientapi.httpPorts[0]!,
      roomserverGrpc: roomserver.grpcPort,
      userapiGrpc: userapi.grpcPort,
      writer: clientapi.httpPorts[0]!,
      reader: syncapiPort,
    };
    return deployment(dir, ports, () => started, stop, metricsUrls);
  } catch (err) {
    await stopAll(started).catch(() => {});
    await cleanUp();
    throw err;
  }
}
