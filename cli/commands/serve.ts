import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../../components/internal/config/load.js";
import { COMPONENT_NAMES, type ComponentName } from "../../components/internal/config/types.js";
import { createLogger } from "../../components/internal/logging/logger.js";
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
  // Signals are caught from the start: one that arrives while starting stops right after.
  let signalled: ((signal: string) => void) | null = null;
  const signal = new Promise<string>((resolve) => (signalled = resolve));
  process.once("SIGINT", () => signalled!("SIGINT"));
  process.once("SIGTERM", () => signalled!("SIGTERM"));

  const available = names.filter((n) => COMPONENTS[n]);
  const runtime = await ProcessRuntime.start(config, available, logger, monolith);
  logger.info({ signal: await signal }, "stopping");
  const deadline = new Promise<number>((resolve) =>
    setTimeout(() => {
      logger.error("graceful stop took too long; exiting");
      resolve(1);
    }, STOP_DEADLINE_MS).unref(),
  );
  const stopped = runtime.stop().then(
    () => {
      logger.info("stopped");
      return 0;
    },
    (err: unknown) => {
      logger.error({ err }, "error while stopping");
      return 1;
    },
  );
  return Promise.race([stopped, deadline]);
}

export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}
