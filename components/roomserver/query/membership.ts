import type * as q from "../api/queries.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { countMembers, selectMembers, selectMembership, selectRoomIdsForUser, serverHasJoinedMember } from "../storage/memberships.js";
import { toStoredEvent } from "./convert.js";
import { roomWithState } from "./rooms.js";

/** Memberships come from roomserver_memberships, which follows the rooms' current state. */

export async function queryMembership(core: RoomserverCore, request: q.QueryMembershipRequest): Promise<q.QueryMembershipResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { roomExists: false, membership: "", eventId: "" };
  const membership = await selectMembership(db, room.roomNid, request.userId);
  if (!membership) return { roomExists: true, membership: "", eventId: "" };
  const event = (await core.events.byNids(db, [membership.eventNid])).get(membership.eventNid)!;
  return { roomExists: true, membership: membership.membership, eventId: event.record.eventId, memberEvent: toStoredEvent(event) };
}

/** The member events of the room's current state, ordered by user ID. */
export async function queryMembers(core: RoomserverCore, request: q.QueryMembersRequest): Promise<q.QueryMembersResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { roomExists: false, memberEvents: [] };
  const members = await selectMembers(db, room.roomNid, request.memberships, request.localOnly);
  const events = await core.events.byNids(
    db,
    members.map((m) => m.eventNid),
  );
  return { roomExists: true, memberEvents: members.map((m) => toStoredEvent(events.get(m.eventNid)!)) };
}

export async function queryRoomsForUser(core: RoomserverCore, request: q.QueryRoomsForUserRequest): Promise<q.QueryRoomsForUserResponse> {
  return { roomIds: await selectRoomIdsForUser(core.deps.db, request.userId, request.membership || "join") };
}

export async function queryRoomInfo(core: RoomserverCore, request: q.QueryRoomInfoRequest): Promise<q.QueryRoomInfoResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) {
    return { roomExists: false, roomVersion: "", latestEventIds: [], joinedMembers: 0, invitedMembers: 0, published: false };
  }
  const [latest, counts] = await Promise.all([core.events.byNids(db, room.latestEventNids), countMembers(db, room.roomNid)]);
  return {
    roomExists: true,
    roomVersion: room.roomVersion,
    latestEventIds: room.latestEventNids.map((nid) => latest.get(nid)!.record.eventId),
    joinedMembers: counts.joined,
    invitedMembers: counts.invited,
    published: room.published,
  };
}

/** Whether any user of the server is joined now (what federation needs before sending to it). */
export async function queryServerInRoom(core: RoomserverCore, request: q.QueryServerInRoomRequest): Promise<q.QueryServerInRoomResponse> {
  const db = core.deps.db;
  const room = await roomWithState(core, request.roomId);
  if (!room) return { roomExists: false, serverInRoom: false };
  return { roomExists: true, serverInRoom: await serverHasJoinedMember(db, room.roomNid, request.serverName) };
}
