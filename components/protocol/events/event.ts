import type { RoomVersion } from "../roomversions.js";

/** A JSON value as Matrix events carry it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Whether an untrusted value is a JSON object (not null, not an array). The one guard every
 * reader of event content, key responses and signature blocks uses before indexing.
 */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property, so content keys such as "__proto__" or "toString" are not inherited lookups. */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The persistent data unit (PDU) as it travels over federation, in either event format. */
export interface PduJson extends JsonObject {
  room_id: string;
  sender: string;
  type: string;
  content: JsonObject;
  origin_server_ts: number;
  depth: number;
  prev_events: JsonValue[];
  auth_events: JsonValue[];
  hashes: { sha256: string };
  signatures: { [server: string]: { [keyId: string]: string } };
}

/**
 * A parsed, validated event of a known room version. Auth rules, state resolution and
 * visibility work on this interface only, whatever the event format.
 */
export interface RoomEvent {
  readonly eventId: string;
  readonly roomVersion: RoomVersion;
  readonly roomId: string;
  readonly type: string;
  /** undefined for non-state events; "" is a valid state key. */
  readonly stateKey: string | undefined;
  readonly sender: string;
  readonly content: JsonObject;
  readonly originServerTs: number;
  readonly depth: number;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  /** The event an m.room.redaction redacts (top-level before v11, in content from v11). */
  readonly redacts: string | undefined;
  /** The full event JSON as received or built (what hashes and signatures cover). */
  readonly json: Readonly<PduJson>;
}

/** A state key tuple as it indexes room state: "type\u0000state_key" is never ambiguous. */
export type StateKey = string;
export function stateKeyOf(type: string, stateKey: string): StateKey {
  return `${type}\u0000${stateKey}`;
}
export function splitStateKey(key: StateKey): [type: string, stateKey: string] {
  const i = key.indexOf("\u0000");
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Room state: (type, state_key) to event. */
export type StateMap = ReadonlyMap<StateKey, RoomEvent>;
