import { badJson, MatrixError } from "../../internal/http/matrix-error.js";
import type { JsonObject } from "../../protocol/index.js";
import type { RoomserverPerformApi } from "../../roomserver/api/roomserver-api.js";
import { checkRoomAlias } from "../validation/checks.js";

/**
 * The spec's check of a new m.room.canonical_alias (PUT /state): every alias it names must
 * be valid (400 M_INVALID_PARAM) and point to this room (400 M_BAD_ALIAS). Aliases of other
 * servers cannot be looked up before federation arrives, so they count as not pointing here.
 */
export async function checkCanonicalAlias(
  roomserver: Pick<RoomserverPerformApi, "queryAlias">,
  roomId: string,
  content: JsonObject,
): Promise<void> {
  const aliases: string[] = [];
  const alias = content["alias"];
  if (alias !== undefined && alias !== null) {
    if (typeof alias !== "string") throw badJson("alias must be a string");
    aliases.push(alias);
  }
  const alt = content["alt_aliases"];
  if (alt !== undefined && alt !== null) {
    if (!Array.isArray(alt) || alt.some((a) => typeof a !== "string")) throw badJson("alt_aliases must be an array of strings");
    aliases.push(...(alt as string[]));
  }
  for (const a of aliases) checkRoomAlias(a);
  const found = await Promise.all(aliases.map((a) => roomserver.queryAlias({ alias: a })));
  const stray = aliases.find((_, i) => found[i]!.roomId !== roomId);
  if (stray !== undefined) throw new MatrixError(400, "M_BAD_ALIAS", `${stray} does not point to ${roomId}`);
}
