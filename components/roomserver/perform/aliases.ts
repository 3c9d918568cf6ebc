import type { Database } from "../../internal/database/database.js";
import type { Logger } from "../../internal/logging/logger.js";
import { type JsonObject, ProtocolError, parseRoomAlias, parseRoomId } from "../../protocol/index.js";
import type { PerformRemoveAliasRequest, PerformSetAliasRequest, QueryAliasRequest, QueryAliasResponse } from "../api/perform.js";
import type { RoomserverReaderApi } from "../api/roomserver-api.js";
import { deleteAlias, insertAlias, selectAlias } from "../storage/aliases.js";
import type { EventSketch, RoomEventBuilder } from "../api/event-builder.js";
import { localAlias, localUserId } from "./local-ids.js";
import { forbidden, invalidParam, notFound, PerformFailure, roomNotKnown } from "../api/perform-failure.js";
import { parseStored } from "../api/stored-events.js";

const CANONICAL_ALIAS = "m.room.canonical_alias";

/** The room a room ID or local alias names; an unknown alias is 404 M_NOT_FOUND. */
export async function resolveRoomIdOrAlias(db: Database, roomIdOrAlias: string): Promise<string> {
  if (roomIdOrAlias.startsWith("#")) {
    parseRoomAlias(roomIdOrAlias);
    const found = await selectAlias(db, roomIdOrAlias);
    if (!found) throw notFound(`room alias ${roomIdOrAlias} is not known to this server`);
    return found.roomId;
  }
  if (!roomIdOrAlias.startsWith("!")) throw invalidParam(`${JSON.stringify(roomIdOrAlias)} is neither a room ID nor an alias`);
  // v12 room IDs have no server part.
  parseRoomId(roomIdOrAlias, { hashed: !roomIdOrAlias.includes(":") });
  return roomIdOrAlias;
}

/** The room an alias maps to, with this server as the one that knows it; empty when unmapped. */
export async function queryAlias(db: Database, serverName: string, request: QueryAliasRequest): Promise<QueryAliasResponse> {
  const found = await selectAlias(db, request.alias);
  return found ? { roomId: found.roomId, servers: [serverName] } : { roomId: "", servers: [] };
}

/**
 * PUT /directory/room/{alias}: maps a local alias to a room the creator is joined to (as
 * Synapse requires). An alias already mapped is 409 M_UNKNOWN, as the spec says.
 */
export async function setAlias(
  db: Database,
  reader: Pick<RoomserverReaderApi, "queryMembership">,
  serverName: string,
  request: PerformSetAliasRequest,
): Promise<void> {
  const alias = localAlias(request.alias, serverName);
  const creator = localUserId(request.creator, serverName);
  const membership = await reader.queryMembership({ roomId: request.roomId, userId: creator });
  if (!membership.roomExists) throw roomNotKnown(request.roomId);
  if (membership.membership !== "join") throw forbidden("only a member of the room may give it an alias");
  if (!(await insertAlias(db, alias, request.roomId, creator))) {
    throw new PerformFailure("M_UNKNOWN", `room alias ${alias} already exists`, 409);
  }
}

/**
 * DELETE /directory/room/{alias}: allowed to the alias's creator and to whoever may change
 * the room's m.room.canonical_alias. Like Synapse, it then drops the alias from the room's
 * canonical alias event when the remover may send one; failing that is only logged.
 */
export async function removeAlias(
  db: Database,
  builder: RoomEventBuilder,
  reader: Pick<RoomserverReaderApi, "queryCurrentState">,
  logger: Logger,
  request: PerformRemoveAliasRequest,
): Promise<void> {
  const alias = localAlias(request.alias, builder.serverName);
  const found = await selectAlias(db, alias);
  if (!found) throw notFound(`room alias ${alias} is not known to this server`);
  const user = localUserId(request.userId, builder.serverName);
  const { roomId } = found;

  const [canonical] = (await reader.queryCurrentState({ roomId, stateTuples: [{ type: CANONICAL_ALIAS, stateKey: "" }] })).stateEvents;
  const content = canonical ? withoutAlias(parseStored(canonical).content, alias) : null;
  const sketch: EventSketch = { type: CANONICAL_ALIAS, sender: user, state_key: "", content: content ?? {} };
  if (found.creator !== user && !builder.permits(await builder.positionIn(roomId, sketch), sketch)) {
    throw forbidden("only the alias's creator or a user who may change the room's canonical alias may remove it");
  }
  await deleteAlias(db, alias);
  if (content === null) return;
  try {
    await builder.send(roomId, sketch);
  } catch (err) {
    if (!(err instanceof PerformFailure || err instanceof ProtocolError)) throw err;
    logger.info({ room: roomId, alias, reason: err.message }, "alias removed but the canonical alias event was left as it is");
  }
}

/** The canonical alias content without `alias`, or null when it does not mention it. */
function withoutAlias(content: JsonObject, alias: string): JsonObject | null {
  const alt = Array.isArray(content["alt_aliases"]) ? content["alt_aliases"] : [];
  if (content["alias"] !== alias && !alt.includes(alias)) return null;
  const next: JsonObject = { ...content };
  if (next["alias"] === alias) delete next["alias"];
  if (alt.includes(alias)) next["alt_aliases"] = alt.filter((a) => a !== alias);
  return next;
}
