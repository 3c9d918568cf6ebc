import type { Queryable } from "../../internal/database/database.js";
import { type SigningKey, serverNameOf } from "../../protocol/index.js";
import { selectRoomEvents, type EventRecord } from "../storage/events.js";
import { selectRoom } from "../storage/rooms.js";
import { selectServerKeysOf } from "../storage/server-keys.js";

/** The first line of an export: what the importing server needs besides the events. */
export interface ExportHeader {
  dendrite_ts_room_export: 1;
  room_id: string;
  room_version: string;
  /** Keys of the servers whose users sent the events, so the importer can verify them. */
  verify_keys: Record<string, Record<string, string>>;
}

const PAGE = 1000;

/**
 * A room's whole DAG as lines: a header, then every event that has state (outliers are not
 * part of the DAG) as canonical JSON, parents before children, so importing the lines in
 * order through the input path rebuilds the same room.
 */
export async function exportRoom(q: Queryable, roomId: string, ourServer: string, ourKey: SigningKey): Promise<string[]> {
  const room = await selectRoom(q, roomId);
  if (!room) throw new Error(`room ${roomId} is not known to this server`);
  const records: EventRecord[] = [];
  for (let after = 0; ;) {
    const page = await selectRoomEvents(q, room.roomNid, after, PAGE);
    records.push(...page.filter((r) => !r.outlier));
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.nid;
  }
  const header: ExportHeader = {
    dendrite_ts_room_export: 1,
    room_id: roomId,
    room_version: room.roomVersion,
    verify_keys: await verifyKeysOf(q, records, ourServer, ourKey),
  };
  return [JSON.stringify(header), ...topologicalOrder(records).map((r) => r.json)];
}

async function verifyKeysOf(q: Queryable, records: readonly EventRecord[], ourServer: string, ourKey: SigningKey) {
  const servers = new Set(records.map((r) => serverNameOf(r.sender)).filter((s): s is string => s !== undefined));
  const keys: Record<string, Record<string, string>> = {};
  if (servers.has(ourServer)) keys[ourServer] = { [ourKey.keyId]: ourKey.publicKeyBase64 };
  return Object.assign(
    keys,
    await selectServerKeysOf(
      q,
      [...servers].filter((s) => s !== ourServer),
    ),
  );
}

/**
 * Orders events so that each comes after its prev and auth events (backfilled history can
 * be stored after its children); among the ready ones, storage order.
 */
function topologicalOrder(records: readonly EventRecord[]): EventRecord[] {
  const byId = new Map(records.map((r) => [r.eventId, r]));
  const nidToId = new Map(records.map((r) => [r.nid, r.eventId]));
  const waitingOn = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const r of records) {
    const parents = new Set([...r.prevEventIds, ...r.authEventNids.map((n) => nidToId.get(n) ?? "")].filter((id) => byId.has(id)));
    waitingOn.set(r.eventId, parents.size);
    for (const p of parents) (children.get(p) ?? children.set(p, []).get(p)!).push(r.eventId);
  }
  const ready = records.filter((r) => waitingOn.get(r.eventId) === 0);
  const out: EventRecord[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a.nid - b.nid);
    const next = ready.shift()!;
    out.push(next);
    for (const child of children.get(next.eventId) ?? []) {
      const left = waitingOn.get(child)! - 1;
      waitingOn.set(child, left);
      if (left === 0) ready.push(byId.get(child)!);
    }
  }
  return out;
}
