import { forbidden, MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { Logger } from "../../internal/logging/logger.js";
import {
  newRoomId,
  ROOM_VERSIONS,
  roomCreators,
  RoomPowerLevels,
  serverNameOf,
  stateKeyOf,
  type JsonObject,
  type RoomEvent,
  type RoomVersion,
} from "../../protocol/index.js";
import type { EventSketch, RoomEventBuilder } from "../../roomserver/api/event-builder.js";
import type { RoomserverApi } from "../../roomserver/api/roomserver-api.js";
import { stateMapOf } from "../../roomserver/api/stored-events.js";
import { performed } from "../errors/roomserver-errors.js";
import { profileFields } from "./member-content.js";
import { requireJoined } from "./room-access.js";
import { carryUserSettings, type UserSettingsDeps } from "./upgrade-user-settings.js";
import { CARRIED_STATE, carriedContent, carriedPowerLevels, levelNeededForState, powerLevelsJson } from "./upgrade-state.js";

const POWER_LEVELS = "m.room.power_levels";
const CANONICAL_ALIAS = "m.room.canonical_alias";
const TOMBSTONE = "m.room.tombstone";
const MEMBER = "m.room.member";

export interface UpgradeDeps extends UserSettingsDeps {
  readonly roomserver: () => RoomserverApi;
  readonly builder: RoomEventBuilder;
  readonly logger: Logger;
}

/**
 * POST /rooms/{roomId}/upgrade, in the spec's order: the upgrader must be allowed to send
 * the tombstone; a new room of the new version is made with the old one as predecessor and
 * its state carried over (power levels, join rules, name, topic, avatar, encryption, ACLs,
 * bans); local aliases move to it; the old room gets the tombstone, and its power levels
 * are raised so only moderators can still talk or invite there. Members are not moved (the
 * spec: servers cannot join other servers' users): the upgrader is the new room's creator
 * and only member, the others follow the tombstone; the local ones find their push rules,
 * tags and direct-chat entry for the room carried over. Returns the new room's ID.
 *
 * `predecessor.event_id` names the last event of the old room when the new room is made
 * (the spec's definition): below v12 that is the tombstone, built first for a room ID
 * chosen beforehand (as Synapse does); a v12 room's ID is the hash of its create event, which
 * the tombstone would have to name, so there it is the old room's newest event before the
 * tombstone.
 */
export async function upgradeRoom(
  deps: UpgradeDeps,
  upgrader: string,
  oldRoomId: string,
  newVersion: string,
  additionalCreators: string[],
): Promise<string> {
  const target = ROOM_VERSIONS.get(newVersion);
  if (!target) throw new MatrixError(400, "M_UNSUPPORTED_ROOM_VERSION", `room version ${JSON.stringify(newVersion)} is not supported`);
  const rs = deps.roomserver();
  await requireJoined(rs, oldRoomId, upgrader);

  const tombstone = {
    type: TOMBSTONE,
    sender: upgrader,
    state_key: "",
    content: { body: "This room has been replaced", replacement_room: "" },
  };
  const position = await deps.builder.positionIn(oldRoomId, tombstone);
  if (!deps.builder.permits(position, tombstone)) throw forbidden("you may not send m.room.tombstone in this room");

  const { stateEvents } = await rs.queryCurrentState({ roomId: oldRoomId, stateTuples: [] });
  const state = stateMapOf(stateEvents);
  const old = position.version;
  const create = state.get(stateKeyOf("m.room.create", ""));
  if (!create) throw notFound(`room ${oldRoomId} has no create event`);

  const newCreators = [upgrader, ...(target.privilegedCreators ? additionalCreators : [])];
  const oldPower = RoomPowerLevels.fromState(state, old);
  const finalPl = carriedPowerLevels(
    state.get(stateKeyOf(POWER_LEVELS, "")),
    old,
    target,
    upgrader,
    oldPower.userLevel(upgrader),
    newCreators,
  );
  // While the state is copied the upgrader may need more power than they keep (Synapse does the same).
  const needed = levelNeededForState(finalPl);
  const raise = !target.privilegedCreators && (finalPl.users.get(upgrader) ?? finalPl.usersDefault) < needed;
  const initialPl = raise ? { ...finalPl, users: new Map([...finalPl.users, [upgrader, needed]]) } : finalPl;

  const { published, latestEventIds } = await rs.queryRoomInfo({ roomId: oldRoomId });
  const chosenRoomId = target.roomIdFromCreateEvent ? "" : newRoomId(deps.builder.serverName);
  const early = chosenRoomId === "" ? undefined : deps.builder.buildChecked(position, tombstoneTo(tombstone, chosenRoomId));
  const predecessor = { room_id: oldRoomId, event_id: early?.eventId ?? latestEventIds.at(-1)! };
  const body = createRoomBody(create, old, target, predecessor, state, initialPl, published, additionalCreators);
  const created = performed(
    await rs.performCreateRoom({
      creator: upgrader,
      requestJson: JSON.stringify(body),
      roomId: chosenRoomId,
      transactionId: undefined,
      // The upgrader appears in the new room as they appeared in the old one.
      creatorMemberContentJson: JSON.stringify(profileFields(state.get(stateKeyOf(MEMBER, upgrader))?.content ?? {})),
    }),
  );
  const newRoom = created.roomId;
  if (raise) await deps.builder.send(newRoom, { type: POWER_LEVELS, sender: upgrader, state_key: "", content: powerLevelsJson(finalPl) });

  await moveAliases(deps, upgrader, oldRoomId, newRoom, state.get(stateKeyOf(CANONICAL_ALIAS, "")));
  if (early) await deps.builder.submit(early);
  else await deps.builder.send(oldRoomId, tombstoneTo(tombstone, newRoom));
  if (published) performed(await rs.performPublish({ roomId: oldRoomId, visibility: "private" }));
  await restrictOldRoom(deps, upgrader, oldRoomId, oldPower);
  await carrySettingsOfLocalMembers(deps, state, oldRoomId, newRoom);
  return newRoom;
}

function tombstoneTo(sketch: EventSketch, replacementRoom: string): EventSketch {
  return { ...sketch, content: { ...sketch.content, replacement_room: replacementRoom } };
}

/** Each local member's settings for the room, to the new room; one user's failure is logged and skipped. */
async function carrySettingsOfLocalMembers(
  deps: UpgradeDeps,
  state: ReadonlyMap<string, RoomEvent>,
  oldRoomId: string,
  newRoomId: string,
): Promise<void> {
  for (const event of state.values()) {
    const userId = event.stateKey!;
    if (event.type !== MEMBER || event.content["membership"] !== "join" || serverNameOf(userId) !== deps.builder.serverName) continue;
    await carryUserSettings(deps, userId, oldRoomId, newRoomId).catch((err: Error) =>
      deps.logger.warn({ room: newRoomId, user: userId, err: err.message }, "a member's settings were not carried to an upgraded room"),
    );
  }
}

/** The createRoom body of the replacement room: carried state as initial_state, which replaces the preset's. */
function createRoomBody(
  create: RoomEvent,
  old: RoomVersion,
  target: RoomVersion,
  predecessor: { room_id: string; event_id: string },
  state: ReadonlyMap<string, RoomEvent>,
  pl: ReturnType<typeof carriedPowerLevels>,
  published: boolean,
  additionalCreators: string[],
): JsonObject {
  const creationContent: JsonObject = { predecessor };
  for (const key of ["type", "m.federate"]) if (create.content[key] !== undefined) creationContent[key] = create.content[key]!;
  if (target.privilegedCreators && additionalCreators.length > 0) creationContent["additional_creators"] = additionalCreators;

  const initialState: JsonObject[] = [{ type: POWER_LEVELS, state_key: "", content: powerLevelsJson(pl) }];
  for (const type of CARRIED_STATE) {
    const event = state.get(stateKeyOf(type, ""));
    if (event) initialState.push({ type, state_key: "", content: carriedContent(type, event.content, target) });
  }
  // Bans carry over, as in Synapse: an upgrade must not be a way back in.
  const creators = new Set(roomCreators(create, old));
  for (const event of state.values()) {
    if (event.type === "m.room.member" && event.content["membership"] === "ban" && !creators.has(event.stateKey!)) {
      initialState.push({ type: "m.room.member", state_key: event.stateKey!, content: { membership: "ban" } });
    }
  }
  return {
    room_version: target.id,
    preset: "private_chat",
    visibility: published ? "public" : "private",
    creation_content: creationContent,
    initial_state: initialState,
  };
}

/**
 * Moves the old room's local aliases named in its canonical alias event to the new room, and
 * gives the new room that canonical alias. (The roomserver lists aliases only by name, so
 * local aliases the canonical alias event does not name stay where they are.)
 */
async function moveAliases(
  deps: UpgradeDeps,
  upgrader: string,
  oldRoomId: string,
  newRoomId: string,
  canonical: RoomEvent | undefined,
): Promise<void> {
  if (!canonical) return;
  const rs = deps.roomserver();
  const named = [canonical.content["alias"], ...(Array.isArray(canonical.content["alt_aliases"]) ? canonical.content["alt_aliases"] : [])];
  const local = named.filter((a): a is string => typeof a === "string" && serverNameOf(a) === deps.builder.serverName);
  for (const alias of local) {
    if ((await rs.queryAlias({ alias })).roomId !== oldRoomId) continue;
    performed(await rs.performRemoveAlias({ alias, userId: upgrader }));
    performed(await rs.performSetAlias({ alias, roomId: newRoomId, creator: upgrader }));
  }
  await deps.builder.send(newRoomId, { type: CANONICAL_ALIAS, sender: upgrader, state_key: "", content: canonical.content });
}

/** Only moderators may still talk and invite in the old room; a refusal here does not undo the upgrade. */
async function restrictOldRoom(deps: UpgradeDeps, upgrader: string, roomId: string, power: RoomPowerLevels): Promise<void> {
  const level = Math.max(50, power.content.usersDefault + 1);
  const content = { ...powerLevelsJson(power.content), events_default: level, invite: level };
  try {
    await deps.builder.send(roomId, { type: POWER_LEVELS, sender: upgrader, state_key: "", content });
  } catch (err) {
    deps.logger.info({ room: roomId, err: (err as Error).message }, "old room's power levels left as they were after an upgrade");
  }
}
