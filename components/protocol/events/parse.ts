/**
 * parseEvent: turns untrusted PDU JSON of a known room version into a RoomEvent, checking
 * every field's presence, type and limits first, so later code never meets a missing field
 * or a TypeError. Problems are ProtocolErrors naming the field:
 *   NOT_JSON / BAD_JSON  the bytes are not (canonical-rules) JSON
 *   TOO_LARGE            over 65,536 bytes of canonical JSON, or an ID/type/state_key over 255 bytes
 *   BAD_EVENT            a field missing or of the wrong type or shape
 *   BAD_ID               a user, room or event ID that breaks the grammar
 * Hashes and signatures are not checked here (see hashes.ts, signatures.ts): that needs keys.
 */
import { ProtocolError } from "../errors.js";
import { MAX_ID_BYTES, parseEventId, parseRoomId, parseUserId, utf8Length } from "../ids/grammar.js";
import { encodeCanonicalJson } from "../json/canonical.js";
import { parseCanonicalJson } from "../json/parse.js";
import { roomVersion as lookupRoomVersion, type RoomVersion } from "../roomversions.js";
import { isJsonObject, type JsonObject, type JsonValue, type PduJson } from "./event.js";
import { eventIdFromReferenceHash, roomIdFromCreateEventId } from "./ids.js";
import { ProtocolEvent, type ProtocolEventFields } from "./protocolevent.js";
import { referenceHash } from "./hashes.js";

/** The spec's limit on a whole event, as canonical JSON including signatures. */
export const MAX_EVENT_BYTES = 65_536;
/** Schema limits on references (server-server API PDU definitions). */
export const MAX_PREV_EVENTS = 20;
export const MAX_AUTH_EVENTS = 10;

// Keys some servers leaked into events; Synapse and gomatrixserverlib drop them on receipt.
const DROPPED_KEYS = ["outlier", "destinations", "age_ts"];

export interface ParseEventOptions {
  /** Keep the sender's `unsigned` (e.g. invite_room_state); dropped by default as nobody signed it. */
  readonly keepUnsigned?: boolean;
}

export function parseEvent(
  input: string | Uint8Array | JsonObject,
  version: RoomVersion | string,
  options: ParseEventOptions = {},
): ProtocolEvent {
  const rv = typeof version === "string" ? lookupRoomVersion(version) : version;
  let raw: JsonObject;
  if (typeof input === "string" || input instanceof Uint8Array) {
    raw = parseCanonicalJson(input, { strict: rv.strictCanonicalJson, requireObject: true });
  } else if (isJsonObject(input)) {
    raw = input;
  } else {
    throw new ProtocolError("BAD_EVENT", "event must be a JSON object");
  }

  const json: JsonObject = {};
  for (const key of Object.keys(raw)) {
    if (DROPPED_KEYS.includes(key)) continue;
    if (key === "unsigned" && !options.keepUnsigned) continue;
    // From v3 the ID is derived, so a sent `event_id` is at best redundant and at worst a lie.
    if (key === "event_id" && rv.eventFormat !== "v1") continue;
    json[key] = raw[key]!;
  }

  // Encoding also enforces the version's number rules on objects handed in directly.
  const canonical = encodeCanonicalJson(json, { strict: rv.strictCanonicalJson });
  const size = canonical.length > MAX_EVENT_BYTES / 4 ? utf8Length(canonical) : canonical.length;
  if (size > MAX_EVENT_BYTES)
    throw new ProtocolError("TOO_LARGE", `event is ${size} bytes of canonical JSON, over the ${MAX_EVENT_BYTES}-byte limit`);

  const checked = checkEventFields(json, rv);
  let eventId: string;
  let refHash: Buffer | undefined;
  if (rv.eventIdFormat === "v1") {
    eventId = json.event_id as string;
  } else {
    refHash = referenceHash(json, rv);
    eventId = eventIdFromReferenceHash(refHash, rv);
  }
  const roomId = checked.roomId ?? roomIdFromCreateEventId(eventId);
  return new ProtocolEvent(json as PduJson, rv, eventId, roomId, checked, canonical, refHash);
}

type CheckedFields = ProtocolEventFields & { roomId: string | undefined };

/**
 * Checks every field of an event's JSON for `rv`. Returns the derived fields; `roomId` is
 * undefined only for a v12+ create event, whose room ID comes from its own event ID.
 * `unsigned: true` skips `hashes` and `signatures`, for an event still being built.
 */
export function checkEventFields(json: JsonObject, rv: RoomVersion, options: { unsigned?: boolean } = {}): CheckedFields {
  const type = requireString(json, "type");
  checkLength(type, "type");

  const sender = requireString(json, "sender");
  checkLength(sender, "sender");
  wrapIdError("sender", () => parseUserId(sender, { historical: true }));

  let roomId: string | undefined;
  const isCreate = type === "m.room.create";
  if (rv.roomIdFromCreateEvent && isCreate) {
    if (json.room_id !== undefined)
      throw new ProtocolError("BAD_EVENT", `room_id must be absent from m.room.create in room version ${rv.id}`);
  } else {
    roomId = requireString(json, "room_id");
    checkLength(roomId, "room_id");
    const id = roomId;
    wrapIdError("room_id", () => parseRoomId(id, { hashed: rv.roomIdFromCreateEvent }));
  }

  let stateKey: string | undefined;
  if (json.state_key !== undefined) {
    stateKey = requireString(json, "state_key");
    checkLength(stateKey, "state_key");
  }

  if (!isJsonObject(json.content)) throw fieldError("content", "an object", json.content);
  // The JSON keeps what was sent (a bigint stays a bigint, so hashes still match).
  const originServerTs = requireInteger(json, "origin_server_ts");
  const depth = requireInteger(json, "depth");
  if (depth < 0) throw new ProtocolError("BAD_EVENT", `depth must not be negative, got ${depth}`);

  const prevEventIds = references(json, "prev_events", rv, MAX_PREV_EVENTS);
  const authEventIds = references(json, "auth_events", rv, MAX_AUTH_EVENTS);

  // An event being built has no hashes or signatures yet: its builder adds them.
  if (!options.unsigned) checkHashesAndSignatures(json);

  if (rv.eventIdFormat === "v1") {
    const eventId = requireString(json, "event_id");
    checkLength(eventId, "event_id");
    wrapIdError("event_id", () => parseEventId(eventId, "v1"));
  }

  if (json.unsigned !== undefined && !isJsonObject(json.unsigned)) throw fieldError("unsigned", "an object", json.unsigned);

  let redacts: string | undefined;
  if (rv.redactsInContent) {
    const r = (json.content as JsonObject).redacts;
    if (type === "m.room.redaction" && r !== undefined && typeof r !== "string") throw fieldError("content.redacts", "a string", r);
    if (type === "m.room.redaction" && typeof r === "string") redacts = r;
  } else if (json.redacts !== undefined) {
    redacts = requireString(json, "redacts");
  }

  return { roomId, stateKey, originServerTs, depth, prevEventIds, authEventIds, redacts };
}

function checkHashesAndSignatures(json: JsonObject): void {
  const hashes = json.hashes;
  if (!isJsonObject(hashes)) throw fieldError("hashes", "an object", hashes);
  if (typeof hashes.sha256 !== "string") throw fieldError("hashes.sha256", "a string", hashes.sha256);
  const signatures = json.signatures;
  if (!isJsonObject(signatures)) throw fieldError("signatures", "an object", signatures);
  for (const server of Object.keys(signatures)) {
    const sigs = signatures[server];
    if (!isJsonObject(sigs)) throw fieldError(`signatures.${server}`, "an object", sigs);
    for (const keyId of Object.keys(sigs)) {
      if (typeof sigs[keyId] !== "string") throw fieldError(`signatures.${server}.${keyId}`, "a string", sigs[keyId]);
    }
  }
}

/** prev_events / auth_events: [id, {sha256}] pairs in format v1, ID strings from v3. */
function references(json: JsonObject, field: "prev_events" | "auth_events", rv: RoomVersion, max: number): string[] {
  const list = json[field];
  if (!Array.isArray(list)) throw fieldError(field, "an array", list);
  if (list.length > max) throw new ProtocolError("BAD_EVENT", `${field} has ${list.length} entries, more than the ${max} allowed`);
  const ids: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    let id: JsonValue | undefined;
    if (rv.eventFormat === "v1") {
      if (!Array.isArray(entry) || entry.length !== 2) throw fieldError(`${field}[${i}]`, "an [event ID, {sha256}] pair", entry);
      id = entry[0];
      const hash = entry[1];
      if (!isJsonObject(hash) || typeof hash.sha256 !== "string") throw fieldError(`${field}[${i}][1]`, "a {sha256} object", hash);
    } else {
      id = entry;
    }
    if (typeof id !== "string" || !id.startsWith("$")) throw fieldError(`${field}[${i}]`, "an event ID string", id);
    checkLength(id, `${field}[${i}]`);
    ids.push(id);
  }
  return ids;
}

function requireString(json: JsonObject, field: string): string {
  const v = json[field];
  if (typeof v !== "string") throw fieldError(field, "a string", v);
  return v;
}

/** An integer, or in room v1-v5 a bigint (kept exact by the lenient parser) narrowed to a number. */
function requireInteger(json: JsonObject, field: string): number {
  const v = json[field] as unknown;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint") return Number(v);
  throw fieldError(field, "an integer", v as JsonValue | undefined);
}

function checkLength(value: string, field: string): void {
  if (value.length > MAX_ID_BYTES || utf8Length(value) > MAX_ID_BYTES) {
    throw new ProtocolError("TOO_LARGE", `${field} is longer than ${MAX_ID_BYTES} bytes`);
  }
}

function wrapIdError(field: string, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) throw new ProtocolError("BAD_ID", `${field}: ${e.message}`);
    throw e;
  }
}

function fieldError(field: string, expected: string, got: unknown): ProtocolError {
  const what = got === undefined ? "missing" : `${describe(got)} instead of ${expected}`;
  return new ProtocolError("BAD_EVENT", got === undefined ? `${field} is missing (must be ${expected})` : `${field} is ${what}`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : "a float";
  return `a ${typeof v}`;
}
