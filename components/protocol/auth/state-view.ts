import { hasOwn, stateKeyOf, type JsonObject, type RoomEvent, type StateMap } from "../events/event.js";

/**
 * Typed reads of the auth-relevant state. Event content is untrusted JSON: every reader
 * here tolerates any shape and falls back to the spec's meaning of "absent", so the rules
 * never meet a TypeError.
 */

export const CREATE = "m.room.create";
export const MEMBER = "m.room.member";
export const POWER_LEVELS = "m.room.power_levels";
export const JOIN_RULES = "m.room.join_rules";
export const THIRD_PARTY_INVITE = "m.room.third_party_invite";
export const ALIASES = "m.room.aliases";
export const REDACTION = "m.room.redaction";
export const HISTORY_VISIBILITY = "m.room.history_visibility";

/** content[key] if it is a string, else undefined. */
export function stringField(content: JsonObject, key: string): string | undefined {
  const v = hasOwn(content, key) ? content[key] : undefined;
  return typeof v === "string" ? v : undefined;
}

export function getState(state: StateMap, type: string, stateKey = ""): RoomEvent | undefined {
  return state.get(stateKeyOf(type, stateKey));
}

/**
 * A user's membership in the state: "leave" when there is no member event (never joined
 * is treated like left by every rule), and also when the stored value is not a string.
 */
export function membershipOf(state: StateMap, userId: string): string {
  const ev = getState(state, MEMBER, userId);
  return (ev && stringField(ev.content, "membership")) ?? "leave";
}

/**
 * The room's join rule. Without an m.room.join_rules event the room behaves as "invite"
 * (what Synapse assumes): only invited or joined users may join.
 */
export function joinRuleOf(state: StateMap): string {
  const ev = getState(state, JOIN_RULES);
  return (ev && stringField(ev.content, "join_rule")) ?? "invite";
}
