import type { Database } from "../../internal/database/database.js";
import type { SyncStore } from "../caches/sync-store.js";
import { latestPositions } from "../storage/positions.js";
import { selectAllJoined } from "../storage/state.js";
import type { Notifier } from "./notifier.js";

/**
 * At start, before the consumers run: the notifier learns the streams' committed positions
 * and who is joined where, and the memory of recent events starts empty at the newest
 * room-event position (everything up to it is the database's).
 */
export async function restoreStreams(db: Database, notifier: Notifier, store: SyncStore): Promise<void> {
  const positions = await latestPositions(db);
  notifier.load(positions, await selectAllJoined(db));
  store.recent.start(positions.pdu);
}
