import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built CLI, started exactly as an operator (or Kubernetes) starts it. */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "dendrite-ts.js");

export interface RunningProcess {
  child: ChildProcess;
  httpPorts: number[];
  grpcPort: number;
  /** The port of the process's metrics-only listener, when it has one. */
  metricsPort: number | null;
  output: () => string;
  /** Sends the signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/**
 * Every server process the helpers started that has not exited yet. A start that overran
 * its budget is killed on the spot; whatever is still running when this (mocha's) process
 * exits, for example because a hook's own timeout gave up on a start first, is killed then,
 * so no server outlives the test run.
 */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** The process IDs of the helpers' server processes still running. */
export function runningPids(): number[] {
  return [...running].map((child) => child.pid!).filter((pid) => pid !== undefined);
}

export function track<T extends ChildProcess>(child: T): T {
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

/** How long one server process may take to start; the suites' hooks allow more (see START_BUDGET_MS users). */
export const START_BUDGET_MS = 60_000;

/** A start that overran its budget; the process (`pid`) was killed. */
export class StartTimeout extends Error {
  constructor(
    readonly pid: number | undefined,
    budgetMs: number,
    output: string,
  ) {
    super(`process did not start within ${budgetMs} ms (killed):\n${output}`);
  }
}

/** Runs a CLI command to completion; resolves with its exit code and output. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = track(spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } }));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Node options for the servers a test or bench starts, e.g. DENDRITE_PROFILE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to see where a bench's processes spend their time.
 */
const PROFILER_ARGS = process.env.DENDRITE_PROFILE_ARGS?.split(" ").filter(Boolean) ?? [];

/** How much of a started server's output is kept for error messages (characters). */
const OUTPUT_KEPT = 256 * 1024;

/** Starts a long-running CLI command and waits for its "listening" log line. */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunningProcess> {
  const child = track(
    spawn(process.execPath, [...PROFILER_ARGS, CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, DENDRITE_LOGGING_LEVEL: "info", ...options.env },
    }),
  );
  // The output kept for error messages and tests: its start (how the server started) and
  // its newest part, since a server under a bench logs every request and this process (the
  // bench's clients) shares the machine.
  let head = "";
  let tail = "";
  const keep = (d: Buffer) => {
    if (head.length < OUTPUT_KEPT) head += d.toString();
    else tail += d.toString();
    if (tail.length > 2 * OUTPUT_KEPT) tail = tail.slice(-OUTPUT_KEPT);
  };
  const output = () => (tail ? `${head}\n...\n${tail}` : head);
  let listening = false;
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const budget = options.timeoutMs ?? START_BUDGET_MS;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new StartTimeout(child.pid, budget, output()));
    }, budget);
    child.stderr.on("data", keep);
    child.stdout.on("data", (d: Buffer) => {
      keep(d);
      if (listening) return;
      for (const line of d.toString().split("\n")) {
        if (!line.includes('"msg":"listening"')) continue;
        listening = true;
        const info = JSON.parse(line) as { http_ports: number[]; grpc_port: number; metrics_port?: number | null };
        clearTimeout(timer);
        resolve({
          child,
          httpPorts: info.http_ports,
          grpcPort: info.grpc_port,
          metricsPort: info.metrics_port ?? null,
          output,
          async stop(signal = "SIGTERM") {
            const started = Date.now();
            child.kill(signal);
            const code = await exited;
            return { code, ms: Date.now() - started };
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before listening:\n${output()}`));
    });
  });
}
