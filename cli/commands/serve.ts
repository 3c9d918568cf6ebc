import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../../components/internal/config/load.js";
import { COMPONENT_NAMES, type ComponentName } from "../../components/internal/config/types.js";
import { createLogger, type Logger } from "../../components/internal/logging/logger.js";
import { COMPONENTS } from "../components.js";
import { ProcessRuntime } from "../runtime.js";
import { generateConfig } from "./generate-config.js";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** How long a graceful stop may take before the process gives up (the issue allows 10 s). */
const STOP_DEADLINE_MS = 9_000;

export const DEFAULT_CONFIG_PATH = "./data/dendrite.yaml";

function configPath(argv: string[]): string | undefined {
  const { values } = parseArgs({ args: argv, strict: true, options: { config: { type: "string", short: "c" } } });
  return values.config;
}

/** `start`: on first run writes ./data/dendrite.yaml (and the key and gRPC secret at start-up), then runs the monolith. */
export async function runStart(argv: string[]): Promise<number> {
  const path = configPath(argv) ?? DEFAULT_CONFIG_PATH;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      generateConfig({
        server_name: "localhost:8008",
        data_dir: "./data",
        signing_key_path: "./data/signing.key",
        "grpc.secret_path": "./data/grpc.secret",
      }),
    );
    process.stderr.write(`first run: wrote ${path}\n`);
  }
  return serve(path, [...COMPONENT_NAMES], true);
}

export async function runMonolith(argv: string[]): Promise<number> {
  const path = configPath(argv);
  if (!path) throw new Error("monolith needs --config FILE");
  return serve(path, [...COMPONENT_NAMES], true);
}

export async function runComponent(name: ComponentName, argv: string[]): Promise<number> {
  const path = configPath(argv);
  if (!path) throw new Error(`${name} needs --config FILE`);
  if (!COMPONENTS[name]) {
    process.stderr.write(`dendrite-ts ${name}: this component is not implemented yet\n`);
    return 2;
  }
  return serve(path, [name], false);
}

async function serve(path: string, names: ComponentName[], monolith: boolean): Promise<number> {
  const config = loadConfigFile(path);
  const logger = createLogger(config.logging.level);
  // Signals are caught before anything starts, so one that arrives at any moment stops the
  // process: during start-up it aborts the start (a step still waiting, such as a database
  // that never answers, is abandoned at once), afterwards it stops the running process.
  // A second signal gets the default action: exit at once.
  const abort = new AbortController();
  const signal = new Promise<string>((resolve) => {
    const onSignal = (name: string) => {
      abort.abort(new Error(`${name} during start-up`));
      resolve(name);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });

  const available = names.filter((n) => COMPONENTS[n]);
  const starting = ProcessRuntime.start(config, available, logger, monolith, abort.signal);
  const first = await Promise.race([starting.then((runtime) => ({ runtime })), signal.then((name) => ({ signal: name }))]);
  if ("signal" in first) return stopStarting(starting, first.signal, abort.signal.reason, logger);
  logger.info({ signal: await signal }, "stopping");
  const stopped = first.runtime.stop().then(
    () => {
      logger.info("stopped");
      return 0;
    },
    (err: unknown) => {
      logger.error({ err }, "error while stopping");
      return 1;
    },
  );
  return Promise.race([stopped, stopDeadline(logger, "graceful stop took too long; exiting")]);
}

/**
 * A signal arrived before start-up finished: the start abandons its current step and stops
 * what it had started (0); undoing that took past the deadline, or failed (1).
 */
async function stopStarting(starting: Promise<ProcessRuntime>, signal: string, abortReason: unknown, logger: Logger): Promise<number> {
  logger.info({ signal }, "stopping during start-up");
  const undone = starting.then(
    // Start finished just as the signal came: stop what it started.
    (runtime) =>
      runtime.stop().then(
        () => 0,
        () => 1,
      ),
    (err: unknown) => {
      if (err === abortReason) return 0;
      logger.error({ err }, "start-up failed while stopping");
      return 1;
    },
  );
  const code = await Promise.race([undone, stopDeadline(logger, "start-up did not stop in time; exiting")]);
  if (code === 0) logger.info("stopped before start-up finished");
  return code;
}

function stopDeadline(logger: Logger, message: string): Promise<number> {
  return new Promise<number>((resolve) =>
    setTimeout(() => {
      logger.error(message);
      resolve(1);
    }, STOP_DEADLINE_MS),
  );
}

export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}
