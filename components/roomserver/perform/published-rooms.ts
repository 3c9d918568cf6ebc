import type { PerformPublishRequest, QueryPublishedRoomsRequest, QueryPublishedRoomsResponse } from "../api/perform.js";
import type { RoomserverReaderApi } from "../api/roomserver-api.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { selectPublishedRoomIds, updateRoomPublished } from "../storage/rooms.js";
import { invalidParam, roomNotKnown } from "../api/perform-failure.js";
import { parseStored } from "../api/stored-events.js";

/** The state a directory search looks in, as Synapse does: name, topic, canonical alias. */
const SEARCHED = [
  { type: "m.room.name", stateKey: "", field: "name" },
  { type: "m.room.topic", stateKey: "", field: "topic" },
  { type: "m.room.canonical_alias", stateKey: "", field: "alias" },
];

/** Lists a room in this server's published room directory, or takes it off. */
export async function publishRoom(core: RoomserverCore, request: PerformPublishRequest): Promise<void> {
  if (request.visibility !== "public" && request.visibility !== "private") {
    throw invalidParam('visibility must be "public" or "private"');
  }
  const changed = await updateRoomPublished(core.deps.db, request.roomId, request.visibility === "public");
  if (changed === 0) throw roomNotKnown(request.roomId);
  core.rooms.forget(request.roomId); // its cached row holds the old flag
}

/**
 * A page of published room IDs in publication order (oldest room first). `since` is the
 * offset a previous page returned as `next`; a malformed one starts from the beginning.
 * `filter_term` keeps rooms whose name, topic or canonical alias contains it, ignoring case.
 */
export async function publishedRooms(
  core: RoomserverCore,
  reader: Pick<RoomserverReaderApi, "queryCurrentState">,
  request: QueryPublishedRoomsRequest,
): Promise<QueryPublishedRoomsResponse> {
  let roomIds = await selectPublishedRoomIds(core.deps.db);
  const term = request.filterTerm.trim().toLowerCase();
  if (term !== "") {
    const matches = await Promise.all(roomIds.map((roomId) => roomMatches(reader, roomId, term)));
    roomIds = roomIds.filter((_, i) => matches[i]);
  }
  const offset = /^\d+$/.test(request.since) ? Number(request.since) : 0;
  const end = request.limit > 0 ? offset + request.limit : roomIds.length;
  return {
    roomIds: roomIds.slice(offset, end),
    next: end < roomIds.length ? String(end) : "",
    total: roomIds.length,
  };
}

async function roomMatches(reader: Pick<RoomserverReaderApi, "queryCurrentState">, roomId: string, term: string): Promise<boolean> {
  const stateTuples = SEARCHED.map(({ type, stateKey }) => ({ type, stateKey }));
  const { stateEvents } = await reader.queryCurrentState({ roomId, stateTuples });
  return stateEvents.some((stored) => {
    const event = parseStored(stored);
    const value = event.content[SEARCHED.find((s) => s.type === event.type)!.field];
    return typeof value === "string" && value.toLowerCase().includes(term);
  });
}
