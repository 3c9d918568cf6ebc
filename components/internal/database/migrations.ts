import type { Database } from "./database.js";

/** One schema change of a component, applied once, in order of `version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
}

const LEDGER = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  component TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (component, version)
)`;

/**
 * Applies a component's migrations that are not yet recorded, each in its own
 * transaction together with its ledger row. An advisory lock keyed by the component
 * serialises processes that start at the same time against one PostgreSQL database.
 * Returns the versions applied now.
 */
export async function migrate(db: Database, component: string, migrations: readonly Migration[]): Promise<number[]> {
  checkNumbering(component, migrations);
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('schema_migrations'))");
    await tx.exec(LEDGER);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`migrate:${component}`]);
      const rows = await tx.query("SELECT 1 FROM schema_migrations WHERE component = $1 AND version = $2", [component, migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.up);
      await tx.execute("INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)", [
        component,
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

function checkNumbering(component: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migrations of ${component} must be numbered 1, 2, 3...: found ${m.version} at position ${i + 1}`);
    }
  });
}
