/**
 * buildEvent: completes an event template into a signed event of a room version: depth,
 * prev/auth references in the version's format, content hash, signature and event ID.
 *
 * Cost per event is dominated by the ed25519 signature (about two thirds of it). The rest
 * is two canonical encodings and two sha256: the full event for the content hash, and the
 * redacted event, which the signature and the reference hash both cover. (Encoding each
 * top-level member once and joining the variants from the pieces was tried: the joins and
 * maps cost more than the re-encoding of a few short members saves.)
 */
import { encodeBase64 } from "../crypto/base64.js";
import { signBytes, type PrivateKey } from "../crypto/signing.js";
import { ProtocolError } from "../errors.js";
import { utf8Length } from "../ids/grammar.js";
import { encodeCanonicalJson } from "../json/canonical.js";
import { roomVersion as lookupRoomVersion, type RoomVersion } from "../roomversions.js";
import type { JsonObject, JsonValue, PduJson, RoomEvent } from "./event.js";
import { eventIdFromReferenceHash, newV1EventId, roomIdFromCreateEventId } from "./ids.js";
import { checkEventFields, MAX_EVENT_BYTES } from "./parse.js";
import { ProtocolEvent, referenceHashOf } from "./protocolevent.js";
import { redactedSigningBytes, sha256 } from "./hashes.js";

/** What the caller decides about a new event; everything else buildEvent fills in. */
export interface EventTemplate {
  readonly type: string;
  readonly sender: string;
  /** Omitted for a v12+ m.room.create (its room ID derives from its event ID). */
  readonly room_id?: string;
  readonly state_key?: string;
  readonly content: JsonObject;
  /** For m.room.redaction: placed top-level before v11 and in content from v11. */
  readonly redacts?: string;
  readonly unsigned?: JsonObject;
}

/** A prev/auth event: a RoomEvent, or its ID (with its reference hash, for room v1-v2). */
export type EventReference = RoomEvent | string | { readonly eventId: string; readonly sha256: string };

export interface BuildEventOptions {
  readonly roomVersion: RoomVersion | string;
  readonly prevEvents: readonly EventReference[];
  readonly authEvents: readonly EventReference[];
  /** Defaults to 1 + the deepest prev event (which must then be RoomEvents), or 1 with none. */
  readonly depth?: number;
  /** The signing server's name. */
  readonly origin: string;
  readonly keyId: string;
  readonly privateKey: PrivateKey;
  /** Defaults to Date.now(). */
  readonly originServerTs?: number;
  /** Room v1-v2 only: the event ID; defaults to a random "$...:origin". */
  readonly eventId?: string;
}

export function buildEvent(template: EventTemplate, options: BuildEventOptions): ProtocolEvent {
  const rv = typeof options.roomVersion === "string" ? lookupRoomVersion(options.roomVersion) : options.roomVersion;
  const json: JsonObject = {
    auth_events: references(options.authEvents, rv, "authEvents"),
    content: template.content,
    depth: depthOf(options),
    origin_server_ts: options.originServerTs ?? Date.now(),
    prev_events: references(options.prevEvents, rv, "prevEvents"),
    sender: template.sender,
    type: template.type,
  };
  const foundsRoom = rv.roomIdFromCreateEvent && template.type === "m.room.create";
  if (!foundsRoom) {
    if (template.room_id === undefined) throw new ProtocolError("BAD_EVENT", "room_id is missing from the event template");
    json.room_id = template.room_id;
  }
  if (template.state_key !== undefined) json.state_key = template.state_key;
  if (template.redacts !== undefined) {
    if (rv.redactsInContent) json.content = { ...template.content, redacts: template.redacts };
    else json.redacts = template.redacts;
  }
  if (rv.eventIdFormat === "v1") json.event_id = options.eventId ?? newV1EventId(options.origin);

  const checked = checkEventFields(json, rv, { unsigned: true });

  const full = encodeCanonicalJson(json, { strict: rv.strictCanonicalJson });
  const contentHash = encodeBase64(sha256(full));
  json.hashes = { sha256: contentHash };

  // The signature and the reference hash cover the very same bytes: the redacted event
  // without signatures and unsigned. One encoding serves both.
  const signed = redactedSigningBytes(json, rv);
  json.signatures = { [options.origin]: { [options.keyId]: signBytes(signed, options.privateKey) } };
  if (template.unsigned !== undefined) json.unsigned = template.unsigned;

  checkBuiltSize(full, json);

  let eventId: string;
  let refHash: Buffer | undefined;
  if (rv.eventIdFormat === "v1") {
    eventId = json.event_id as string;
  } else {
    // The reference hash covers the redacted event minus signatures and unsigned: the signed bytes.
    refHash = sha256(signed);
    eventId = eventIdFromReferenceHash(refHash, rv);
  }
  const roomId = checked.roomId ?? roomIdFromCreateEventId(eventId);
  return new ProtocolEvent(json as PduJson, rv, eventId, roomId, checked, undefined, refHash);
}

function depthOf(options: BuildEventOptions): number {
  if (options.depth !== undefined) return options.depth;
  let deepest = 0;
  for (const prev of options.prevEvents) {
    if (typeof prev === "string" || !("depth" in prev)) {
      throw new ProtocolError("BAD_EVENT", "depth must be given when prev events are not RoomEvents");
    }
    if (prev.depth > deepest) deepest = prev.depth;
  }
  // The spec caps depth at the largest integer rather than letting it overflow.
  return Math.min(deepest + 1, Number.MAX_SAFE_INTEGER);
}

function references(refs: readonly EventReference[], rv: RoomVersion, what: string): JsonValue[] {
  if (rv.eventFormat === "v2") return refs.map((r) => (typeof r === "string" ? r : r.eventId));
  return refs.map((r): JsonValue => {
    if (typeof r === "string")
      throw new ProtocolError("BAD_EVENT", `${what}: room version ${rv.id} references need reference hashes, not bare IDs`);
    const sha256 = "sha256" in r ? r.sha256 : encodeBase64(referenceHashOf(r));
    return [r.eventId, { sha256 }];
  });
}

/**
 * The finished event must fit the 65,536-byte limit. It is `full` plus the hashes,
 * signatures and unsigned members added since; a UTF-16 unit is at most 3 UTF-8 bytes, so
 * only an event within reach of the limit is measured exactly (without encoding it again).
 */
function checkBuiltSize(full: string, json: JsonObject): void {
  const added =
    `,"hashes":` +
    encodeCanonicalJson(json.hashes) +
    `,"signatures":` +
    encodeCanonicalJson(json.signatures) +
    (json.unsigned ? `,"unsigned":` + encodeCanonicalJson(json.unsigned) : "");
  if ((full.length + added.length) * 3 <= MAX_EVENT_BYTES) return;
  const size = utf8Length(full) + utf8Length(added);
  if (size > MAX_EVENT_BYTES)
    throw new ProtocolError("TOO_LARGE", `event would be ${size} bytes of canonical JSON, over the ${MAX_EVENT_BYTES}-byte limit`);
}
