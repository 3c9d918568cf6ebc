import { parseRoomAlias, parseUserId, serverNameOf } from "../../protocol/ids/grammar.js";
import { invalidParam } from "../api/perform-failure.js";

// A malformed ID is a ProtocolError("BAD_ID"), which the performer answers with 400 M_INVALID_PARAM.

/** A user this server may sign events for. */
export function localUserId(userId: string, serverName: string): string {
  parseUserId(userId, { historical: true });
  if (serverNameOf(userId) !== serverName) throw invalidParam(`${userId} is not a user of this server`);
  return userId;
}

/** An alias of this server: the only aliases it may create or remove. */
export function localAlias(alias: string, serverName: string): string {
  const { serverName: aliasServer } = parseRoomAlias(alias);
  if (aliasServer !== serverName) throw invalidParam(`room alias ${alias} is not on this server`);
  return alias;
}
