import type { JsonObject } from "../../protocol/index.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import type { RoomserverApi } from "../../roomserver/api/roomserver-api.js";

/** A room as the published room directory shows it (the spec's PublishedRoomsChunk). */
export type RoomSummary = JsonObject & { room_id: string; num_joined_members: number; world_readable: boolean; guest_can_join: boolean };

/** The state a directory entry is made from: which event, which field, and where it goes. */
const SHOWN = [
  { type: "m.room.name", field: "name", as: "name" },
  { type: "m.room.topic", field: "topic", as: "topic" },
  { type: "m.room.canonical_alias", field: "alias", as: "canonical_alias" },
  { type: "m.room.avatar", field: "url", as: "avatar_url" },
  { type: "m.room.join_rules", field: "join_rule", as: "join_rule" },
  { type: "m.room.create", field: "type", as: "room_type" },
  { type: "m.room.history_visibility", field: "history_visibility", as: null },
  { type: "m.room.guest_access", field: "guest_access", as: null },
] as const;

/** The directory entry of one room, from its current state and member count. */
export async function summariseRoom(roomserver: RoomserverApi, roomId: string): Promise<RoomSummary> {
  const [state, info] = await Promise.all([
    roomserver.queryCurrentState({ roomId, stateTuples: SHOWN.map(({ type }) => ({ type, stateKey: "" })) }),
    roomserver.queryRoomInfo({ roomId }),
  ]);
  const values = new Map<string, unknown>();
  for (const stored of state.stateEvents) {
    const event = parseStored(stored);
    const shown = SHOWN.find((s) => s.type === event.type)!;
    values.set(shown.type, event.content[shown.field]);
  }
  const summary: RoomSummary = {
    room_id: roomId,
    num_joined_members: info.joinedMembers,
    world_readable: values.get("m.room.history_visibility") === "world_readable",
    guest_can_join: values.get("m.room.guest_access") === "can_join",
  };
  for (const { type, as } of SHOWN) {
    const value = values.get(type);
    if (as !== null && typeof value === "string" && value !== "") summary[as] = value;
  }
  return summary;
}

export interface DirectoryQuery {
  /** 0: no limit. */
  readonly limit: number;
  /** An offset from a previous page ("" for the first). */
  readonly since: string;
  readonly searchTerm: string;
  /** Room types to keep (null: rooms without a type); undefined keeps every room. */
  readonly roomTypes: readonly (string | null)[] | undefined;
}

/**
 * A page of the published room directory. Tokens are offsets into the directory, so the
 * previous page's token is the offset one page back. A room type filter is applied here, to
 * the whole list, because the roomserver pages without knowing room types.
 */
export async function publicRoomsPage(roomserver: RoomserverApi, query: DirectoryQuery): Promise<JsonObject> {
  const offset = query.since === "" ? 0 : Number(query.since);
  let summaries: RoomSummary[];
  let total: number;
  if (query.roomTypes === undefined) {
    const page = await roomserver.queryPublishedRooms({ limit: query.limit, since: query.since, filterTerm: query.searchTerm });
    summaries = await Promise.all(page.roomIds.map((id) => summariseRoom(roomserver, id)));
    total = page.total;
  } else {
    const all = await roomserver.queryPublishedRooms({ limit: 0, since: "", filterTerm: query.searchTerm });
    const wanted = new Set(query.roomTypes);
    const every = await Promise.all(all.roomIds.map((id) => summariseRoom(roomserver, id)));
    const kept = every.filter((s) => wanted.has(typeof s.room_type === "string" ? s.room_type : null));
    total = kept.length;
    summaries = kept.slice(offset, query.limit > 0 ? offset + query.limit : undefined);
  }
  const body: JsonObject = { chunk: summaries, total_room_count_estimate: total };
  const end = offset + summaries.length;
  if (query.limit > 0 && end < total) body["next_batch"] = String(end);
  if (offset > 0) body["prev_batch"] = String(Math.max(0, offset - (query.limit || offset)));
  return body;
}
