import { hasOwn, isJsonObject, type JsonObject, type JsonValue, type RoomEvent, type StateMap } from "../events/event.js";
import { ProtocolError } from "../errors.js";
import type { RoomVersion } from "../roomversions.js";
import { CREATE, POWER_LEVELS, getState, stringField } from "./state-view.js";
import { isValidUserId } from "../ids/grammar.js";

/**
 * m.room.power_levels parsed per room version, and the power of users and events that
 * follows from it and the create event (spec: client-server "m.room.power_levels",
 * room versions "stringy"/"floaty" power levels, v10 integer-only, v12 creators).
 */

/** v12+: room creators outrank every integer level, so comparisons need no special case. */
export const CREATOR_POWER_LEVEL = Number.POSITIVE_INFINITY;

/** Without a power levels event the creator (v1-v11) gets this level. */
export const DEFAULT_CREATOR_LEVEL = 100;

/** The seven scalar levels, as named in content. */
export const SCALAR_LEVEL_KEYS = ["users_default", "events_default", "state_default", "ban", "kick", "redact", "invite"] as const;
export type ScalarLevelKey = (typeof SCALAR_LEVEL_KEYS)[number];

/** The maps of levels, as named in content. */
export const MAP_LEVEL_KEYS = ["events", "notifications", "users"] as const;
export type MapLevelKey = (typeof MAP_LEVEL_KEYS)[number];

export interface PowerLevelContent {
  readonly usersDefault: number;
  readonly eventsDefault: number;
  readonly stateDefault: number;
  readonly ban: number;
  readonly kick: number;
  readonly redact: number;
  readonly invite: number;
  /** Event type -> level needed to send it. */
  readonly events: ReadonlyMap<string, number>;
  /** Notification key ("room") -> level; use notificationLevel() for the default. */
  readonly notifications: ReadonlyMap<string, number>;
  /** User ID -> level. */
  readonly users: ReadonlyMap<string, number>;
}

/** The spec's defaults, for missing fields and for a room without a power levels event. */
export const DEFAULT_LEVELS: Readonly<Record<ScalarLevelKey, number>> = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
};
export const DEFAULT_NOTIFICATION_LEVELS: Readonly<Record<string, number>> = { room: 50 };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Room versions 1-9 accept strings holding a base-10 integer, with sign and whitespace. */
const STRINGY_INT = /^\s*[+-]?\d+\s*$/;

/**
 * One level value as the room version accepts it, or undefined if it is not a level:
 * - v10+: a JSON integer only;
 * - v6-v9: an integer or a string holding one (floats cannot reach here, canonical JSON
 *   refuses them, and are refused again);
 * - v1-v5: also floats, truncated toward zero (spec "floaty power levels").
 */
export function parseLevel(value: JsonValue | undefined, version: RoomVersion): number | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    if (Number.isInteger(value)) return Math.abs(value) <= MAX_SAFE ? value : undefined;
    if (version.strictCanonicalJson) return undefined;
    return Math.trunc(value);
  }
  if (typeof value === "string" && !version.integerPowerLevels && STRINGY_INT.test(value)) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function reject(message: string): never {
  throw new ProtocolError("UNAUTHORISED", message);
}

function parseMap(content: JsonObject, key: MapLevelKey, version: RoomVersion): Map<string, number> {
  const out = new Map<string, number>();
  if (!hasOwn(content, key)) return out;
  const raw = content[key];
  if (!isJsonObject(raw)) reject(`power levels: "${key}" is not an object`);
  for (const [k, v] of Object.entries(raw)) {
    const level = parseLevel(v, version);
    if (level === undefined) reject(`power levels: "${key}"."${k}" is not a valid power level`);
    if (key === "users" && !isValidUserId(k, { historical: true }))
      reject(`power levels: "users" key ${JSON.stringify(k)} is not a user ID`);
    out.set(k, level);
  }
  return out;
}

function parseMapLeniently(content: JsonObject, key: MapLevelKey, version: RoomVersion): Map<string, number> {
  const out = new Map<string, number>();
  const raw = content[key];
  if (!hasOwn(content, key) || !isJsonObject(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    const level = parseLevel(v, version);
    if (level !== undefined) out.set(k, level);
  }
  return out;
}

/**
 * Parses power levels content, filling in defaults. Any present field that is not a level
 * valid in this room version makes the whole event invalid: a ProtocolError("UNAUTHORISED").
 * (The spec says so for v10+; earlier versions only list `users`, but Synapse and
 * gomatrixserverlib fail on any unparsable level too, since it cannot be compared.)
 */
export function parsePowerLevels(content: JsonObject, version: RoomVersion): PowerLevelContent {
  // parseEvent guarantees an object, but callers may hand in content from anywhere.
  if (!isJsonObject(content)) reject("power levels: content is not an object");
  const scalar = (key: ScalarLevelKey): number => {
    if (!hasOwn(content, key)) return DEFAULT_LEVELS[key];
    const level = parseLevel(content[key], version);
    if (level === undefined) reject(`power levels: "${key}" is not a valid power level`);
    return level;
  };
  return {
    usersDefault: scalar("users_default"),
    eventsDefault: scalar("events_default"),
    stateDefault: scalar("state_default"),
    ban: scalar("ban"),
    kick: scalar("kick"),
    redact: scalar("redact"),
    invite: scalar("invite"),
    events: parseMap(content, "events", version),
    // Before v6 notifications play no part in auth, so a malformed value must not reject.
    notifications: version.notificationsPowerLevels
      ? parseMap(content, "notifications", version)
      : parseMapLeniently(content, "notifications", version),
    users: parseMap(content, "users", version),
  };
}

/** The level of a room without an m.room.power_levels event. */
export const NO_POWER_LEVELS_EVENT: PowerLevelContent = {
  usersDefault: DEFAULT_LEVELS.users_default,
  eventsDefault: DEFAULT_LEVELS.events_default,
  stateDefault: DEFAULT_LEVELS.state_default,
  ban: DEFAULT_LEVELS.ban,
  kick: DEFAULT_LEVELS.kick,
  redact: DEFAULT_LEVELS.redact,
  invite: DEFAULT_LEVELS.invite,
  events: new Map(),
  notifications: new Map(),
  users: new Map(),
};

/** The level needed to send an event of this type (state or not). */
export function eventLevel(pl: PowerLevelContent, type: string, isState: boolean): number {
  return pl.events.get(type) ?? (isState ? pl.stateDefault : pl.eventsDefault);
}

/** The level needed for a notification key such as "room" (default 50). */
export function notificationLevel(pl: PowerLevelContent, key: string): number {
  return pl.notifications.get(key) ?? DEFAULT_NOTIFICATION_LEVELS[key] ?? 50;
}

/**
 * The room's creators as the version defines them: v1-v10 `content.creator`, v11 the create
 * event's sender, v12+ the sender plus the user IDs in `content.additional_creators`.
 */
export function roomCreators(create: RoomEvent, version: RoomVersion): string[] {
  if (!version.implicitRoomCreator) {
    const creator = stringField(create.content, "creator");
    return creator === undefined ? [] : [creator];
  }
  const creators = [create.sender];
  if (version.privilegedCreators) {
    const extra = create.content["additional_creators"];
    if (Array.isArray(extra)) for (const u of extra) if (typeof u === "string") creators.push(u);
  }
  return creators;
}

/** Power in a room as the auth rules see it: the create event plus the power levels event. */
export class RoomPowerLevels {
  readonly content: PowerLevelContent;
  readonly creators: readonly string[];
  /** Whether the state holds an m.room.power_levels event (defaults differ without one). */
  readonly hasPowerLevelsEvent: boolean;

  constructor(
    readonly version: RoomVersion,
    create: RoomEvent | undefined,
    powerLevelsEvent: RoomEvent | undefined,
  ) {
    this.creators = create ? roomCreators(create, version) : [];
    this.hasPowerLevelsEvent = powerLevelsEvent !== undefined;
    this.content = powerLevelsEvent ? parsePowerLevels(powerLevelsEvent.content, version) : NO_POWER_LEVELS_EVENT;
  }

  static fromState(state: StateMap, version: RoomVersion): RoomPowerLevels {
    return new RoomPowerLevels(version, getState(state, CREATE), getState(state, POWER_LEVELS));
  }

  isCreator(userId: string): boolean {
    return this.creators.includes(userId);
  }

  userLevel(userId: string): number {
    if (this.version.privilegedCreators && this.isCreator(userId)) return CREATOR_POWER_LEVEL;
    if (!this.hasPowerLevelsEvent) {
      // v1-v11: the creator starts at 100 until a power levels event says otherwise.
      return !this.version.privilegedCreators && this.isCreator(userId) ? DEFAULT_CREATOR_LEVEL : 0;
    }
    return this.content.users.get(userId) ?? this.content.usersDefault;
  }

  eventLevel(type: string, isState: boolean): number {
    return eventLevel(this.content, type, isState);
  }
}
