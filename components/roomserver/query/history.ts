import type { QueryMessageHistoryRequest, QueryMessageHistoryResponse } from "../api/queries.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { selectHistoryPage } from "../storage/events.js";
import { toStoredEvent } from "./convert.js";
import { decodeHistoryToken, encodeHistoryToken } from "./history-token.js";
import { roomWithState } from "./rooms.js";

/** /messages' default page size; the cap keeps one call's work bounded. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;

/**
 * A page of the room's accepted events in topological order, newest first when going
 * backward (the default). `next` continues after the page's last event; it is "" only
 * when nothing follows, which one extra row tells without a further query.
 */
export async function queryMessageHistory(core: RoomserverCore, request: QueryMessageHistoryRequest): Promise<QueryMessageHistoryResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { roomExists: false, events: [], next: "" };
  const backward = request.direction !== "forward";
  const limit = Math.min(request.limit > 0 ? request.limit : DEFAULT_LIMIT, MAX_LIMIT);
  const from = request.from === "" ? null : decodeHistoryToken(request.from);
  const rows = await selectHistoryPage(db, room.roomNid, from, backward, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    roomExists: true,
    events: page.map(toStoredEvent),
    next: rows.length > limit && last ? encodeHistoryToken({ depth: last.depth, nid: last.nid }) : "",
  };
}
