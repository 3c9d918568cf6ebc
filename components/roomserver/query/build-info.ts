import { encodeBase64, referenceHashOf, roomVersion } from "../../protocol/index.js";
import type { QueryBuildInfoRequest, QueryBuildInfoResponse } from "../api/queries.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { roomWithState, stateEventsOf } from "./rooms.js";

const NO_ROOM: QueryBuildInfoResponse = {
  roomExists: false,
  roomVersion: "",
  prevEvents: [],
  depth: 0,
  stateEvents: [],
};

/**
 * What a writer needs to build the room's next event: the forward extremities as its
 * prev_events (with their reference hashes where the room version's event format cites
 * them), a depth above all of them, and the current state it picks auth events from.
 */
export async function queryBuildInfo(core: RoomserverCore, request: QueryBuildInfoRequest): Promise<QueryBuildInfoResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return NO_ROOM;
  const [latest, current] = await Promise.all([
    core.events.byNids(db, room.latestEventNids),
    core.snapshots.load(db, room.currentSnapshotNid),
  ]);
  const prevs = room.latestEventNids.map((nid) => latest.get(nid)!);
  const citesHashes = roomVersion(room.roomVersion).eventFormat === "v1";
  return {
    roomExists: true,
    roomVersion: room.roomVersion,
    prevEvents: prevs.map((p) => ({ eventId: p.record.eventId, sha256: citesHashes ? encodeBase64(referenceHashOf(p.event)) : "" })),
    depth: Math.max(...prevs.map((p) => p.record.depth)) + 1,
    // Unlike the state queries, no tuples means no state: a writer names what it needs.
    stateEvents: request.stateNeeded.length === 0 ? [] : await stateEventsOf(core, db, current, request.stateNeeded),
  };
}
