import { type JsonObject, parseUserIdAt, stateKeyOf } from "../../protocol/index.js";
import type { PerformMembershipRequest, PerformMembershipResponse } from "../api/perform.js";
import type { EventSketch, RoomEventBuilder } from "../api/event-builder.js";
import { localUserId } from "./local-ids.js";
import { MEMBER, sendMemberEvent } from "./member-events.js";
import { forbidden, invalidParam } from "../api/perform-failure.js";

const MEMBERSHIPS = ["invite", "leave", "ban"];
/** Memberships a kick ("leave" for another user) can end; "ban" makes it an unban. */
const KICKABLE = ["join", "invite", "knock", "ban"];

/**
 * A local user changes someone's membership: invite, leave (their own; another's is a kick,
 * or an unban when the target is banned), ban. Power, bans and current memberships are the
 * auth rules' to judge: a refusal is 403 M_FORBIDDEN naming the rule.
 */
export async function changeMembership(builder: RoomEventBuilder, request: PerformMembershipRequest): Promise<PerformMembershipResponse> {
  const { roomId, membership, reason, target } = request;
  if (!MEMBERSHIPS.includes(membership)) throw invalidParam(`membership must be one of ${MEMBERSHIPS.join(", ")}`);
  const sender = localUserId(request.sender, builder.serverName);
  parseUserIdAt(target, builder.serverName);

  const content: JsonObject = { membership };
  if (reason !== "") content["reason"] = reason;
  if (membership === "invite" && request.isDirect) content["is_direct"] = true;
  const sketch: EventSketch = { type: MEMBER, sender, state_key: target, content };

  const position = await builder.positionIn(roomId, sketch);
  if (membership === "leave" && target !== sender) {
    // The auth rules allow "kicking" a stranger; that would only write a pointless event.
    const current = position.state.get(stateKeyOf(MEMBER, target))?.content["membership"];
    if (typeof current !== "string" || !KICKABLE.includes(current)) throw forbidden(`${target} is not in the room`);
  }
  const event = await sendMemberEvent(builder, position, sketch);
  return { eventId: event.eventId };
}
