import {
  type JsonObject,
  ProtocolError,
  type ProtocolEvent,
  type RoomEvent,
  type StateKey,
  checkAuth,
  newRoomId,
  stateKeyOf,
} from "../../protocol/index.js";
import type { PerformCreateRoomRequest, PerformCreateRoomResponse } from "../api/perform.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { deleteAlias, insertAlias, selectAlias } from "../storage/aliases.js";
import { updateRoomPublished } from "../storage/rooms.js";
import { parseCreateRoomRequest, type CreateRoomRequest } from "./create-room-request.js";
import { createRoomEvents } from "./create-room-events.js";
import type { RoomEventBuilder, RoomPosition } from "../api/event-builder.js";
import { localAlias, localUserId } from "./local-ids.js";
import { parseMemberContent } from "./member-events.js";
import { PerformFailure } from "../api/perform-failure.js";

const roomInUse = (message: string) => new PerformFailure("M_ROOM_IN_USE", message, 400);

/**
 * createRoom: checks the request, builds every event it implies and checks them against
 * the auth rules before anything is stored, so a request that cannot succeed changes
 * nothing (400 M_INVALID_ROOM_STATE names the event and rule). Then reserves the alias and
 * inputs the events one after another; if one still fails, the alias is released and the
 * error returned.
 */
export async function createRoom(
  core: RoomserverCore,
  builder: RoomEventBuilder,
  request: PerformCreateRoomRequest,
): Promise<PerformCreateRoomResponse> {
  const serverName = builder.serverName;
  const creator = localUserId(request.creator, serverName);
  const req = parseCreateRoomRequest(request.requestJson, creator, serverName, core.deps.config.rooms.default_version);
  const alias = req.roomAliasName === undefined ? undefined : localAlias(`#${req.roomAliasName}:${serverName}`, serverName);
  const db = core.deps.db;
  if (alias !== undefined && (await selectAlias(db, alias))) throw roomInUse(`room alias ${alias} is already in use`);

  let roomId = "";
  if (!req.version.roomIdFromCreateEvent) {
    roomId = request.roomId || newRoomId(serverName);
    if (await core.rooms.get(db, roomId)) throw roomInUse(`room ${roomId} already exists`);
  }
  const events = buildCheckedEvents(builder, req, creator, alias, roomId, parseMemberContent(request.creatorMemberContentJson));
  roomId = events[0]!.roomId;

  if (alias !== undefined && !(await insertAlias(db, alias, roomId, creator))) {
    throw roomInUse(`room alias ${alias} is already in use`);
  }
  try {
    for (const [i, event] of events.entries()) await builder.submit(event, i === 0 ? request.transactionId : undefined);
  } catch (err) {
    if (alias !== undefined) await deleteAlias(db, alias);
    throw err;
  }
  if (req.visibility === "public") {
    await updateRoomPublished(db, roomId, true);
    core.rooms.forget(roomId);
  }
  return { roomId, roomAlias: alias ?? "" };
}

/** Builds the room's events in a line (each the prev of the next), checking each against the state so far. */
function buildCheckedEvents(
  builder: RoomEventBuilder,
  req: CreateRoomRequest,
  creator: string,
  alias: string | undefined,
  roomId: string,
  creatorContent: JsonObject,
): ProtocolEvent[] {
  const state = new Map<StateKey, RoomEvent>();
  const position: RoomPosition = { version: req.version, roomId, prevEvents: [], depth: 1, state };
  return createRoomEvents(creator, req, alias, creatorContent).map((sketch) => {
    const event = builder.build(position, sketch);
    try {
      checkAuth(event, state);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      const what = `${event.type}${event.stateKey ? ` (${event.stateKey})` : ""}`;
      throw new PerformFailure("M_INVALID_ROOM_STATE", `the room's initial state is not allowed: ${what}: ${err.message}`, 400);
    }
    position.roomId = event.roomId;
    position.prevEvents = [event];
    position.depth += 1;
    state.set(stateKeyOf(event.type, event.stateKey ?? ""), event);
    return event;
  });
}
