import { type JsonObject, parsePowerLevels, type PowerLevelContent, type RoomEvent, type RoomVersion } from "../../protocol/index.js";

/** The state an upgrade carries to the new room (C-S spec, "Room Upgrades"), power levels apart. */
export const CARRIED_STATE = [
  "m.room.server_acl",
  "m.room.encryption",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.guest_access",
  "m.room.history_visibility",
  "m.room.join_rules",
] as const;

/** Join rules a room version may not know, and what they become there. */
const JOIN_RULE_FALLBACKS: readonly [rule: string, supported: (v: RoomVersion) => boolean][] = [
  ["knock", (v) => v.knockJoinRule],
  ["restricted", (v) => v.restrictedJoinRule],
  ["knock_restricted", (v) => v.knockRestrictedJoinRule],
];

/** `content` of a carried state event as valid in the new room version. */
export function carriedContent(type: string, content: JsonObject, target: RoomVersion): JsonObject {
  if (type !== "m.room.join_rules") return content;
  const rule = JOIN_RULE_FALLBACKS.find(([name]) => name === content["join_rule"]);
  return rule && !rule[1](target) ? { join_rule: "invite" } : content;
}

/** Power levels as event content, with numbers (room v10+ refuse levels written as strings). */
export function powerLevelsJson(pl: PowerLevelContent): JsonObject {
  return {
    users_default: pl.usersDefault,
    events_default: pl.eventsDefault,
    state_default: pl.stateDefault,
    ban: pl.ban,
    kick: pl.kick,
    redact: pl.redact,
    invite: pl.invite,
    events: Object.fromEntries(pl.events),
    notifications: Object.fromEntries(pl.notifications),
    users: Object.fromEntries(pl.users),
  };
}

/**
 * The old room's power levels for the new room. From v12 the creators have power by being
 * creators and must not be listed; below v12 the upgrader, the new room's creator, keeps
 * their old level, or 100 when they had it by being a v12 creator.
 */
export function carriedPowerLevels(
  oldPl: RoomEvent | undefined,
  old: RoomVersion,
  target: RoomVersion,
  upgrader: string,
  upgraderLevel: number,
  creators: readonly string[],
): PowerLevelContent {
  const pl = parsePowerLevels(oldPl?.content ?? {}, old);
  const users = new Map(pl.users);
  if (target.privilegedCreators) for (const creator of creators) users.delete(creator);
  else users.set(upgrader, Number.isFinite(upgraderLevel) ? upgraderLevel : 100);
  return { ...pl, users };
}

/** The levels the upgrader needs to send the carried state and the power levels into the new room. */
export function levelNeededForState(pl: PowerLevelContent): number {
  return Math.max(
    ...[...CARRIED_STATE, "m.room.power_levels", "m.room.canonical_alias"].map((t) => pl.events.get(t) ?? pl.stateDefault),
    pl.ban,
  );
}
