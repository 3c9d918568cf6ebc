import { InvalidQuery } from "./invalid-query.js";

/** A position in a room's topological order: an event's depth, then its arrival (nid). */
export interface TopologicalPosition {
  depth: number;
  nid: number;
}

/**
 * History tokens are opaque to callers (they are handed on to clients as pagination
 * tokens): URL-safe base64 of "depth.nid", so they survive query strings untouched.
 */
export function encodeHistoryToken(position: TopologicalPosition): string {
  return Buffer.from(`${position.depth}.${position.nid}`).toString("base64url");
}

export function decodeHistoryToken(token: string): TopologicalPosition {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(token, "base64url").toString("latin1"));
  if (!match) throw new InvalidQuery(`not a history token: ${JSON.stringify(token.slice(0, 64))}`);
  return { depth: Number(match[1]), nid: Number(match[2]) };
}
