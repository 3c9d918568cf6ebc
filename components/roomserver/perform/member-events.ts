import {
  type JsonObject,
  type RoomEvent,
  encodeCanonicalJson,
  isJsonObject,
  parseCanonicalJson,
  stateKeyOf,
} from "../../protocol/index.js";
import type { EventSketch, RoomEventBuilder, RoomPosition } from "../api/event-builder.js";
import { badJson } from "../api/perform-failure.js";

export const MEMBER = "m.room.member";

/**
 * The member event content a caller adds (displayname, avatar_url, reason, a client's own
 * keys), from JSON. `join_authorised_via_users_server` is left out: it is this server's word
 * that one of its users let the joiner in, signed with its key, never a client's to give.
 */
export function parseMemberContent(json: string): JsonObject {
  if (json.length === 0) return {};
  const content = parseCanonicalJson(json, { strict: false });
  if (!isJsonObject(content)) throw badJson("member event content must be a JSON object");
  delete content["join_authorised_via_users_server"];
  return content;
}

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
