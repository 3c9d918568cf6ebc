import type { Queryable } from "../../internal/database/database.js";
import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { parseEvent, roomVersion } from "../../protocol/index.js";
import { submitEvent } from "../producers/input-producer.js";
import { upsertServerKey } from "../storage/server-keys.js";
import type { ExportHeader } from "./export-room.js";

export interface ImportResult {
  roomId: string;
  accepted: number;
  rejected: number;
  invalid: string[];
}

/** Verdicts awaited at once: the roomserver applies one room's inputs in order anyway. */
const IN_FLIGHT = 64;

/**
 * Feeds an export (see export-room.ts) through the input path: the header's verify keys
 * are stored as trusted (the operator vouches for the file by importing it), then every
 * event is input as a new event, in the file's order.
 */
export async function importRoom(lines: readonly string[], db: Queryable, log: EventLog, origin: string): Promise<ImportResult> {
  const [first, ...eventLines] = lines.filter((l) => l.trim() !== "");
  const header = parseHeader(first);
  const version = roomVersion(header.room_version);
  for (const [server, keys] of Object.entries(header.verify_keys)) {
    for (const [keyId, publicKey] of Object.entries(keys)) await upsertServerKey(db, server, keyId, publicKey);
  }
  const events = eventLines.map((line, i) => {
    try {
      return parseEvent(line, version);
    } catch (err) {
      throw new Error(`line ${i + 2}: ${(err as Error).message}`, { cause: err });
    }
  });
  const result: ImportResult = { roomId: header.room_id, accepted: 0, rejected: 0, invalid: [] };
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      const verdict = await submitEvent(log, event, { origin, msgId: `import|${event.eventId}` });
      if (verdict.outcome === "accepted") result.accepted++;
      else if (verdict.outcome === "rejected") result.rejected++;
      else result.invalid.push(`${event.eventId}: ${verdict.reason}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, events.length) }, worker));
  return result;
}

function parseHeader(line: string | undefined): ExportHeader {
  let header: Partial<ExportHeader>;
  try {
    header = JSON.parse(line ?? "") as Partial<ExportHeader>;
  } catch {
    throw new Error("line 1: not a room export header (invalid JSON)");
  }
  if (header.dendrite_ts_room_export !== 1 || typeof header.room_id !== "string" || typeof header.room_version !== "string") {
    throw new Error("line 1: not a room export header (dendrite_ts_room_export, room_id, room_version)");
  }
  if (typeof header.verify_keys !== "object" || header.verify_keys === null) throw new Error("line 1: verify_keys is missing");
  return header as ExportHeader;
}
