import { hasOwn, isJsonObject, type JsonObject } from "../events/event.js";
import type { RoomVersion } from "../roomversions.js";
import type { AuthContext } from "./context.js";
import { deny } from "./context.js";
import { SCALAR_LEVEL_KEYS, parseLevel, parsePowerLevels, roomCreators } from "./power-levels.js";
import { POWER_LEVELS, getState } from "./state-view.js";

const RULE = "m.room.power_levels";

/**
 * Auth rule for m.room.power_levels (9 in v6-v11, 10 in v1-v5 and v12): the new content
 * must be well formed, and a sender may only change levels that are, and stay, within
 * their own power.
 */
export function checkPowerLevelsEvent(ctx: AuthContext): void {
  const { event, version, state } = ctx;
  // Throws (rejects) on any value that is not a level in this room version (v10+: integers only).
  parsePowerLevels(event.content, version);

  if (version.privilegedCreators) {
    const users = event.content["users"];
    if (isJsonObject(users)) {
      for (const creator of roomCreators(ctx.create, version)) {
        if (hasOwn(users, creator)) deny(RULE, `users must not list the room creator ${creator}`);
      }
    }
  }

  const previous = getState(state, POWER_LEVELS);
  if (!previous) return;

  const senderLevel = ctx.power.userLevel(event.sender);
  const oldContent = previous.content;
  const newContent = event.content;

  for (const key of SCALAR_LEVEL_KEYS) {
    const before = rawLevel(oldContent, key, version);
    const after = rawLevel(newContent, key, version);
    if (before === after) continue;
    if (before !== undefined && before > senderLevel) deny(RULE, `cannot change ${key} from ${before} above own level ${senderLevel}`);
    if (after !== undefined && after > senderLevel) deny(RULE, `cannot set ${key} to ${after} above own level ${senderLevel}`);
  }

  const maps: readonly string[] = version.notificationsPowerLevels ? ["events", "notifications"] : ["events"];
  for (const mapKey of maps) {
    for (const [key, before, after] of changedEntries(oldContent, newContent, mapKey, version)) {
      if (before !== undefined && before > senderLevel)
        deny(RULE, `cannot change ${mapKey}.${key} from ${before} above own level ${senderLevel}`);
      if (after !== undefined && after > senderLevel) deny(RULE, `cannot set ${mapKey}.${key} to ${after} above own level ${senderLevel}`);
    }
  }

  for (const [user, before, after] of changedEntries(oldContent, newContent, "users", version)) {
    if (user !== event.sender && before !== undefined && before >= senderLevel) {
      deny(RULE, `cannot change the level of ${user} (${before}), not below own level ${senderLevel}`);
    }
    if (after !== undefined && after > senderLevel) deny(RULE, `cannot set ${user} to ${after} above own level ${senderLevel}`);
  }
}

/** A level as written in content (no defaults), so adding or removing a key counts as a change. */
function rawLevel(content: JsonObject, key: string, version: RoomVersion): number | undefined {
  return hasOwn(content, key) ? parseLevel(content[key], version) : undefined;
}

/** Entries of a level map whose value was added, changed or removed: [key, before, after]. */
function changedEntries(
  oldContent: JsonObject,
  newContent: JsonObject,
  mapKey: string,
  version: RoomVersion,
): Array<[string, number | undefined, number | undefined]> {
  const oldMap = hasOwn(oldContent, mapKey) && isJsonObject(oldContent[mapKey]) ? (oldContent[mapKey] as JsonObject) : {};
  const newMap = hasOwn(newContent, mapKey) && isJsonObject(newContent[mapKey]) ? (newContent[mapKey] as JsonObject) : {};
  const out: Array<[string, number | undefined, number | undefined]> = [];
  for (const key of new Set([...Object.keys(oldMap), ...Object.keys(newMap)])) {
    const before = rawLevel(oldMap, key, version);
    const after = rawLevel(newMap, key, version);
    if (before !== after) out.push([key, before, after]);
  }
  return out;
}
