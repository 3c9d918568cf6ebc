import { badJson, invalidParam, MatrixError } from "../../internal/http/matrix-error.js";
import { isValidEventId, isValidRoomAlias, isValidRoomId, isValidUserIdAt } from "../../protocol/index.js";

/**
 * Checks of request bodies, each throwing the Matrix error the client should get: a missing
 * required field is 400 M_MISSING_PARAM, a field of the wrong type 400 M_BAD_JSON.
 */
type Body = Record<string, unknown>;

export const missingParam = (message: string) => new MatrixError(400, "M_MISSING_PARAM", message);

type Kinds = { string: string; boolean: boolean; integer: number; object: Record<string, unknown>; array: unknown[] };

function isKind(value: unknown, kind: keyof Kinds): boolean {
  if (kind === "integer") return Number.isSafeInteger(value);
  if (kind === "array") return Array.isArray(value);
  if (kind === "object") return value !== null && typeof value === "object" && !Array.isArray(value);
  return typeof value === kind;
}

/** `body[key]` if present and of `kind`; undefined if absent (null counts as absent). */
export function optional<K extends keyof Kinds>(body: Body, key: string, kind: K): Kinds[K] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isKind(value, kind)) throw badJson(`${key} must be ${["array", "object", "integer"].includes(kind) ? "an" : "a"} ${kind}`);
  return value as Kinds[K];
}

export function required<K extends keyof Kinds>(body: Body, key: string, kind: K): Kinds[K] {
  const value = optional(body, key, kind);
  if (value === undefined) throw missingParam(`${key} is required`);
  return value;
}

/** An optional string of at most `maxLength` characters (400 M_INVALID_PARAM beyond). */
export function optionalBoundedString(body: Body, key: string, maxLength: number): string | undefined {
  const value = optional(body, key, "string");
  if (value !== undefined && value.length > maxLength) {
    throw new MatrixError(400, "M_INVALID_PARAM", `${key} must be at most ${maxLength} characters`);
  }
  return value;
}

/** A required array of strings. */
export function requiredStringArray(body: Body, key: string): string[] {
  const value = required(body, key, "array");
  if (value.some((v) => typeof v !== "string")) throw badJson(`${key} must be an array of strings`);
  return value as string[];
}

/** A room ID of any room version: `!opaque:server`, or v12's hashed `!<43 characters>`. 400 M_INVALID_PARAM otherwise. */
export function checkRoomId(roomId: string): string {
  if (!isValidRoomId(roomId) && !isValidRoomId(roomId, { hashed: true }))
    throw invalidParam(`${JSON.stringify(roomId)} is not a valid room ID`);
  return roomId;
}

/**
 * A user ID of this server (`serverName`) or another: this server's users were all made under
 * the current grammar, other servers' may predate it (protocol's parseUserIdAt).
 */
export function checkUserId(userId: string, serverName: string): string {
  if (!isValidUserIdAt(userId, serverName)) throw invalidParam(`${JSON.stringify(userId)} is not a valid user ID`);
  return userId;
}

/** An event ID of any room version. */
export function checkEventId(eventId: string): string {
  if (!isValidEventId(eventId)) throw invalidParam(`${JSON.stringify(eventId)} is not a valid event ID`);
  return eventId;
}

export function checkRoomAlias(alias: string): string {
  if (!isValidRoomAlias(alias)) throw invalidParam(`${JSON.stringify(alias)} is not a valid room alias`);
  return alias;
}
