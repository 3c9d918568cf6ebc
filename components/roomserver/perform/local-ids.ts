import { parseRoomAlias, parseUserIdAt } from "../../protocol/index.js";
import { invalidParam } from "../api/perform-failure.js";

// A malformed ID is a ProtocolError("BAD_ID"), which the performer answers with 400 M_INVALID_PARAM.

/** A user this server may sign events for: one of its own, so under the current grammar. */
export function localUserId(userId: string, serverName: string): string {
  if (parseUserIdAt(userId, serverName).serverName !== serverName) throw invalidParam(`${userId} is not a user of this server`);
  return userId;
}

/** An alias of this server: the only aliases it may create or remove. */
export function localAlias(alias: string, serverName: string): string {
  const { serverName: aliasServer } = parseRoomAlias(alias);
  if (aliasServer !== serverName) throw invalidParam(`room alias ${alias} is not on this server`);
  return alias;
}
