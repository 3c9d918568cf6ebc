import { stateKeyOf, type RoomEvent } from "../../protocol/events/event.js";
import { encodeCanonicalJson } from "../../protocol/json/canonical.js";
import type { EventSketch, RoomEventBuilder, RoomPosition } from "../api/event-builder.js";

export const MEMBER = "m.room.member";

/**
 * Sends a member event unless it would repeat the target's current one (same sender,
 * membership and content): then, as Synapse does, the existing event is the answer, so a
 * client retrying a join or ban does not fill the timeline with copies.
 */
export async function sendMemberEvent(builder: RoomEventBuilder, position: RoomPosition, sketch: EventSketch): Promise<RoomEvent> {
  const current = position.state.get(stateKeyOf(MEMBER, sketch.state_key ?? ""));
  const unchanged =
    current !== undefined &&
    current.sender === sketch.sender &&
    encodeCanonicalJson(current.content) === encodeCanonicalJson(sketch.content);
  return unchanged ? current : builder.sendAt(position, sketch);
}
