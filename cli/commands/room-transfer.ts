import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../../components/internal/config/load.js";
import { migrate } from "../../components/internal/database/migrations.js";
import { openDatabase } from "../../components/internal/database/open.js";
import { openEventLog } from "../../components/internal/eventlog/open.js";
import { createLogger } from "../../components/internal/logging/logger.js";
import { createRoomserverCore } from "../../components/roomserver/core/roomserver-core.js";
import { ROOMSERVER_MIGRATIONS } from "../../components/roomserver/storage/migrations.js";
import { exportRoom } from "../../components/roomserver/transfer/export-room.js";
import { importRoom } from "../../components/roomserver/transfer/import-room.js";
import { loadOrCreateSigningKey } from "../signing-key.js";

export const ROOM_TRANSFER_USAGE = `dendrite-ts export-room ROOM_ID --config FILE [-o FILE]
  writes the room's whole DAG: a header line (room, version, the senders' verify keys), then
  each event as canonical JSON, parents first. With the embedded database, stop the server first.

dendrite-ts import-room FILE --config FILE
  stores the header's verify keys as trusted, then feeds every event through the input path.
  With NATS, the roomserver process must be running; with the embedded setup the server must be
  stopped (the import runs the roomserver's input itself).`;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { config: { type: "string", short: "c" }, output: { type: "string", short: "o" } },
  });
  if (!values.config) throw new Error("--config FILE is required");
  if (positionals.length !== 1) throw new Error("give exactly one room ID or file");
  return { config: loadConfigFile(values.config), target: positionals[0]!, output: values.output };
}

export async function runExportRoom(argv: string[]): Promise<number> {
  const { config, target, output } = parse(argv);
  const db = await openDatabase(config);
  try {
    await migrate(db, "roomserver", ROOMSERVER_MIGRATIONS);
    const { key } = loadOrCreateSigningKey(config.signing_key_path);
    const lines = await exportRoom(db, target, config.server_name, key);
    const text = lines.join("\n") + "\n";
    if (output) writeFileSync(output, text);
    else process.stdout.write(text);
    process.stderr.write(`exported ${lines.length - 1} events of ${target}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

export async function runImportRoom(argv: string[]): Promise<number> {
  const { config, target } = parse(argv);
  const logger = createLogger(config.logging.level === "info" ? "warn" : config.logging.level);
  const db = await openDatabase(config);
  const log = await openEventLog(config, db, logger, "dendrite-ts-import-room");
  let stopInput: (() => Promise<void>) | null = null;
  try {
    await migrate(db, "roomserver", ROOMSERVER_MIGRATIONS);
    if (log.kind === "in-process") {
      // The embedded setup has no separate roomserver: this process applies the inputs.
      const { key } = loadOrCreateSigningKey(config.signing_key_path);
      const { input } = createRoomserverCore({ config, logger, db, log, signingKey: key });
      await input.start();
      stopInput = () => input.stop();
    }
    const result = await importRoom(readFileSync(target, "utf8").split("\n"), db, log, config.server_name);
    process.stderr.write(
      `imported ${result.roomId}: ${result.accepted} accepted, ${result.rejected} rejected, ${result.invalid.length} invalid\n`,
    );
    for (const line of result.invalid) process.stderr.write(`  invalid: ${line}\n`);
    return result.invalid.length === 0 ? 0 : 1;
  } finally {
    await stopInput?.();
    await log.close();
    await db.close();
  }
}
