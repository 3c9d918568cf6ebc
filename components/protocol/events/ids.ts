/**
 * Event IDs per room version, and v12 room IDs.
 * - v1-v2: the ID is chosen by the sending server ("$opaque:server") and carried in `event_id`.
 * - v3: "$" + standard unpadded Base64 of the reference hash.
 * - v4+: "$" + URL-safe unpadded Base64 of the reference hash.
 * - v12+: the room ID is the create event's ID with "!" for "$" (MSC4291).
 */
import { randomBytes } from "node:crypto";
import { encodeBase64, encodeBase64Url } from "../crypto/base64.js";
import { ProtocolError } from "../errors.js";
import { parseEventId } from "../ids/grammar.js";
import type { RoomVersion } from "../roomversions.js";
import type { JsonObject } from "./event.js";
import { referenceHash } from "./hashes.js";

/** The event ID for a reference hash, in a v3+ room. */
export function eventIdFromReferenceHash(hash: Uint8Array, roomVersion: RoomVersion): string {
  switch (roomVersion.eventIdFormat) {
    case "v3":
      return "$" + encodeBase64(hash);
    case "v4":
      return "$" + encodeBase64Url(hash);
    case "v1":
      throw new ProtocolError("BAD_EVENT", `room version ${roomVersion.id} event IDs are not derived from hashes`);
  }
}

/** The ID of an event given as JSON: `event_id` for v1-v2, else derived from the reference hash. */
export function computeEventId(event: JsonObject, roomVersion: RoomVersion): string {
  if (roomVersion.eventIdFormat === "v1") {
    const id = event.event_id;
    if (typeof id !== "string") throw new ProtocolError("BAD_EVENT", "event_id missing or not a string (required in room versions 1-2)");
    parseEventId(id, "v1");
    return id;
  }
  return eventIdFromReferenceHash(referenceHash(event, roomVersion), roomVersion);
}

/** v12+: the room ID a create event founds. */
export function roomIdFromCreateEventId(createEventId: string): string {
  if (!createEventId.startsWith("$"))
    throw new ProtocolError("BAD_ID", `invalid event ID ${JSON.stringify(createEventId)}: must start with "$"`);
  return "!" + createEventId.slice(1);
}

/** v12+: the ID of the create event that founded a room (the inverse of roomIdFromCreateEventId). */
export function createEventIdOfRoom(roomId: string): string {
  return "$" + roomId.slice(1);
}

/** A fresh room ID "!<random>:<origin>", for room versions whose room ID is not derived from the create event (v1-v11). */
export function newRoomId(origin: string): string {
  return "!" + encodeBase64Url(randomBytes(12)) + ":" + origin;
}

/** A fresh v1-v2 event ID "$<random>:<origin>". */
export function newV1EventId(origin: string): string {
  return "$" + encodeBase64Url(randomBytes(12)) + ":" + origin;
}
