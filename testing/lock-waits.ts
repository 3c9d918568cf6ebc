import type { Database } from "../components/internal/database/database.js";
import { eventually } from "./eventually.js";

/** Resolves once some session of this database waits for a lock (PostgreSQL only; PGlite has one session). */
export async function someoneWaitsForALock(db: Database): Promise<void> {
  if (db.kind !== "postgres") return;
  const waiting = async () =>
    (
      await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      )
    )[0]!.n > 0;
  await eventually(waiting, 5_000, "a session waiting for a lock");
}
