import type { JsonValue, RoomEvent } from "../events/event.js";
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
 * Power levels before room v10 may be strings holding integers ("stringy power levels");
 * anything unparseable counts as absent so a malformed event cannot break the sort.
 */
export function powerLevelValue(value: JsonValue | undefined): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** Room v12 (MSC4289): the create event's sender and `additional_creators` outrank everyone. */
export function isCreator(create: RoomEvent, userId: string): boolean {
  if (create.sender === userId) return true;
  const extra = create.content["additional_creators"];
  return Array.isArray(extra) && extra.includes(userId);
}

/**
 * The sender's power level as the event's own auth events say, used to break ties in
 * the reverse topological power ordering. Mirrors what every implementation does when
 * there is no power levels event: the creator has 100, everybody else 0.
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
  if (create !== undefined && version.privilegedCreators && isCreator(create, event.sender)) {
    return Number.POSITIVE_INFINITY;
  }
  if (powerLevels === undefined) {
    if (create === undefined) return 0;
    const creator = version.implicitRoomCreator ? create.sender : create.content["creator"];
    return creator === event.sender ? 100 : 0;
  }
  const users = powerLevels.content["users"];
  const own =
    users !== null && typeof users === "object" && !Array.isArray(users) ? powerLevelValue(users[event.sender]) : undefined;
  return own ?? powerLevelValue(powerLevels.content["users_default"]) ?? 0;
}
