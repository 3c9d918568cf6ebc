import type { PerformJoinRequest, PerformJoinResponse } from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { Database } from "../../internal/database/database.js";
import { resolveRoomIdOrAlias } from "./aliases.js";
import type { EventSketch, RoomEventBuilder } from "../api/event-builder.js";
import { localUserId } from "./local-ids.js";
import { MEMBER, parseMemberContent, sendMemberEvent } from "./member-events.js";

/**
 * Joins a local user to a room this server is in, by room ID or local alias. Rooms known
 * only elsewhere need a federated join (make_join/send_join), which comes with the
 * federation API; until then they are 404 M_NOT_FOUND. Whether the join is allowed (join
 * rules, invites, bans) is for the auth rules: a refusal is 403 M_FORBIDDEN with the rule.
 */
export async function joinRoom(db: Database, builder: RoomEventBuilder, request: PerformJoinRequest): Promise<PerformJoinResponse> {
  const user = localUserId(request.userId, builder.serverName);
  const content = parseMemberContent(request.contentJson);
  const roomId = await resolveRoomIdOrAlias(db, request.roomIdOrAlias);
  const sketch: EventSketch = { type: MEMBER, sender: user, state_key: user, content: { ...content, membership: "join" } };
  const event = await sendMemberEvent(builder, await builder.positionIn(roomId, sketch), sketch);
  return { roomId, eventId: event.eventId };
}
