import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/types.js";
import type { Database } from "./database.js";
import { meteredDatabase } from "./metered.js";
import { PgliteDatabase } from "./pglite.js";
import { PostgresDatabase } from "./postgres.js";

/**
 * PostgreSQL when the config names one, otherwise PGlite persisted in data_dir/pglite (durably unless configured otherwise).
 * Either is timed into the metrics (metered.ts).
 */
export async function openDatabase(config: Pick<Config, "database" | "data_dir">): Promise<Database> {
  if (config.database.postgres !== null) {
    const db = new PostgresDatabase(config.database.postgres, config.database.max_connections);
    await checkReachable(db); // fail at start-up, with the driver's reason, if unreachable
    return meteredDatabase(db);
  }
  const dir = join(config.data_dir, "pglite");
  mkdirSync(dir, { recursive: true });
  return meteredDatabase(
    await PgliteDatabase.open(dir, { fsync: config.database.embedded_fsync, cacheMb: config.database.embedded_cache_mb }),
  );
}

/** Resolves when the database answers a trivial statement (start-up and health checks). */
export async function checkReachable(db: Pick<Database, "query">): Promise<void> {
  await db.query("SELECT 1");
}
