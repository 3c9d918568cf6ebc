import type { PerformJoinRequest, PerformJoinResponse } from "../api/perform.js";
import type { Database } from "../../internal/database/database.js";
import { stateKeyOf } from "../../protocol/index.js";
import { resolveRoomIdOrAlias } from "./aliases.js";
import type { EventSketch, RoomEventBuilder } from "../api/event-builder.js";
import { forbidden } from "../api/perform-failure.js";
import { localUserId } from "./local-ids.js";
import { MEMBER, parseMemberContent, sendMemberEvent } from "./member-events.js";

const GUEST_ACCESS = "m.room.guest_access";

/**
 * Joins a local user to a room this server is in, by room ID or local alias. Rooms known
 * only elsewhere need a federated join (make_join/send_join), which comes with the
 * federation API; until then they are 404 M_NOT_FOUND. Whether the join is allowed (join
 * rules, invites, bans) is for the auth rules: a refusal is 403 M_FORBIDDEN with the rule.
 * A guest may join only a room whose `m.room.guest_access` is `can_join` (the spec's guest
 * access module), judged on the same state the join event is built on, so a change of the
 * setting cannot slip between the check and the join.
 */
export async function joinRoom(db: Database, builder: RoomEventBuilder, request: PerformJoinRequest): Promise<PerformJoinResponse> {
  const user = localUserId(request.userId, builder.serverName);
  const content = parseMemberContent(request.contentJson);
  const roomId = await resolveRoomIdOrAlias(db, request.roomIdOrAlias);
  const sketch: EventSketch = { type: MEMBER, sender: user, state_key: user, content: { ...content, membership: "join" } };
  const alsoNeeded = request.isGuest ? [{ type: GUEST_ACCESS, stateKey: "" }] : [];
  const position = await builder.positionIn(roomId, sketch, alsoNeeded);
  if (request.isGuest && position.state.get(stateKeyOf(GUEST_ACCESS, ""))?.content["guest_access"] !== "can_join") {
    throw forbidden(`Guests may not join ${roomId}: its m.room.guest_access is not can_join`);
  }
  const event = await sendMemberEvent(builder, position, sketch);
  return { roomId, eventId: event.eventId };
}
