import type { StoredEvent } from "../storage/events.js";

type Json = Record<string, unknown>;

/** The state an invitee or knocker sees of a room (spec: "stripped state"). */
export const STRIPPED_STATE_TYPES = new Set([
  "m.room.create",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.join_rules",
  "m.room.canonical_alias",
  "m.room.encryption",
]);

export function stripped(json: Json): Json {
  return { type: json.type, state_key: json.state_key, content: json.content ?? {}, sender: json.sender };
}

/**
 * An invite's stripped state: what came with the invite (unsigned.invite_room_state), else
 * the room's state as this server knows it, and the invite event itself.
 */
export function inviteState(inviteJson: Json, roomState: readonly StoredEvent[]): Json[] {
  const unsigned = (inviteJson.unsigned ?? {}) as Json;
  const carried = Array.isArray(unsigned.invite_room_state) ? (unsigned.invite_room_state as Json[]) : null;
  const state = carried ?? roomState.filter((e) => STRIPPED_STATE_TYPES.has(e.type)).map((e) => stripped(e.json));
  return [...state, stripped(inviteJson)];
}
