import { CREATOR_POWER_LEVEL, DEFAULT_CREATOR_LEVEL, parseLevel, roomCreators } from "../auth/power-levels.js";
import { hasOwn, isJsonObject, type RoomEvent } from "../events/event.js";
import { authEventIdsOf, isStateOf } from "./auth-events.js";
import type { EventLookup } from "./types.js";

/**
 * Power events might take an ability away from someone (spec, state resolution v2,
 * "Power events"). m.room.create is included as Synapse and gomatrixserverlib do: it is
 * normally unconflicted, and when it is not it must be ordered before everything else.
 */
export function isPowerEvent(event: RoomEvent): boolean {
  if (event.stateKey === undefined) return false;
  if (event.stateKey === "") {
    if (event.type === "m.room.power_levels" || event.type === "m.room.join_rules" || event.type === "m.room.create") {
      return true;
    }
  }
  if (event.type !== "m.room.member") return false;
  const membership = event.content["membership"];
  return (membership === "leave" || membership === "ban") && event.sender !== event.stateKey;
}

/**
 * The sender's power level as the event's own auth events say, used to break ties in
 * the reverse topological power ordering. Levels are read with the auth rules' own
 * per-version parser and creator rules; an unparsable value counts as absent instead of
 * throwing, so a malformed event (which the auth checks will reject anyway) cannot break
 * the sort. Without a power levels event the creator has 100 and everybody else 0.
 */
export function senderPowerLevel(event: RoomEvent, eventById: EventLookup): number {
  let powerLevels: RoomEvent | undefined;
  let create: RoomEvent | undefined;
  for (const id of authEventIdsOf(event)) {
    const auth = eventById(id);
    if (auth === undefined) continue;
    if (isStateOf(auth, "m.room.power_levels")) powerLevels = auth;
    else if (isStateOf(auth, "m.room.create")) create = auth;
  }
  const version = event.roomVersion;
  const isCreator = create !== undefined && roomCreators(create, version).includes(event.sender);
  if (isCreator && version.privilegedCreators) return CREATOR_POWER_LEVEL;
  if (powerLevels === undefined) return isCreator ? DEFAULT_CREATOR_LEVEL : 0;
  const users = powerLevels.content["users"];
  const own = isJsonObject(users) && hasOwn(users, event.sender) ? parseLevel(users[event.sender], version) : undefined;
  return own ?? parseLevel(powerLevels.content["users_default"], version) ?? 0;
}
