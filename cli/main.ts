import { ConfigError } from "../components/internal/config/errors.js";
import { SERVER_SOFTWARE } from "../components/internal/version.js";
import { CREATE_ACCOUNT_USAGE, runCreateAccount } from "./commands/create-account.js";
import { GENERATE_CONFIG_USAGE, runGenerateConfig } from "./commands/generate-config.js";
import { ROTATE_SIGNING_KEY_USAGE, runRotateSigningKey } from "./commands/rotate-signing-key.js";
import { ROOM_TRANSFER_USAGE, runExportRoom, runImportRoom } from "./commands/room-transfer.js";
import { isComponentName, runComponent, runMonolith, runStart } from "./commands/serve.js";

const USAGE = `dendrite-ts ${SERVER_SOFTWARE.version}: a Matrix homeserver

Usage:
  dendrite-ts start [--config FILE]       first run creates ./data/dendrite.yaml and a signing key; runs the monolith
  dendrite-ts monolith --config FILE      every component in one process
  dendrite-ts COMPONENT --config FILE     one component (roomserver, userapi, clientapi, syncapi, federationapi, mediaapi)
  dendrite-ts generate-config ...         print or write a config file (see dendrite-ts generate-config --help)
  dendrite-ts create-account --config FILE --username NAME [--password P | --password-stdin] [--admin]
  dendrite-ts rotate-signing-key --config FILE   new signing key; the current one kept as an old verify key
  dendrite-ts export-room ROOM_ID --config FILE [-o FILE]
  dendrite-ts import-room FILE --config FILE
  dendrite-ts --version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version") {
    process.stdout.write(`${SERVER_SOFTWARE.version}\n`);
    return 0;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    const usage: Record<string, string> = {
      "generate-config": GENERATE_CONFIG_USAGE,
      "create-account": CREATE_ACCOUNT_USAGE,
      "rotate-signing-key": ROTATE_SIGNING_KEY_USAGE,
      "export-room": ROOM_TRANSFER_USAGE,
      "import-room": ROOM_TRANSFER_USAGE,
    };
    process.stdout.write(command in usage ? `${usage[command]}\n` : USAGE);
    return 0;
  }
  switch (command) {
    case "generate-config":
      return runGenerateConfig(rest);
    case "create-account":
      return runCreateAccount(rest);
    case "rotate-signing-key":
      return runRotateSigningKey(rest);
    case "export-room":
      return runExportRoom(rest);
    case "import-room":
      return runImportRoom(rest);
    case "start":
      return runStart(rest);
    case "monolith":
      return runMonolith(rest);
    default:
      if (isComponentName(command)) return runComponent(command, rest);
      process.stderr.write(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Configuration and usage problems are the operator's to fix: one clear line, no stack.
    const known = err instanceof ConfigError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`dendrite-ts: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(known ? 2 : 1);
  },
);
