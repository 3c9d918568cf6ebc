/**
 * Event signatures (server-server API "Signing Events"): a server signs the *redacted* event,
 * so signatures still verify on a redacted copy; the content hash, which redaction keeps,
 * ties the signature to the full content.
 */
import { signBytes, verifyJsonSignature, withSignature, type PrivateKey, type PublicKey } from "../crypto/signing.js";
import { parseEventId, parseUserId, serverNameOf } from "../ids/grammar.js";
import type { RoomVersion } from "../roomversions.js";
import type { JsonObject, RoomEvent } from "./event.js";
import { redactedSigningBytes, withContentHash } from "./hashes.js";

/** Adds this server's signature to an event that already has its content hash (e.g. an invite or join we co-sign). */
export function signEventJson(
  event: JsonObject,
  roomVersion: RoomVersion,
  serverName: string,
  keyId: string,
  privateKey: PrivateKey,
): JsonObject {
  const signature = signBytes(redactedSigningBytes(event, roomVersion), privateKey);
  return withSignature(event, serverName, keyId, signature);
}

/** Computes the content hash, then signs: the full procedure for an outgoing event. */
export function hashAndSignEvent(
  event: JsonObject,
  roomVersion: RoomVersion,
  serverName: string,
  keyId: string,
  privateKey: PrivateKey,
): JsonObject {
  return signEventJson(withContentHash(event), roomVersion, serverName, keyId, privateKey);
}

/** Whether `serverName`'s signature with `keyId` on the event verifies (checked on the redacted form). */
export function verifyEventSignature(
  event: JsonObject,
  roomVersion: RoomVersion,
  serverName: string,
  keyId: string,
  publicKey: PublicKey,
): boolean {
  let bytes: Buffer;
  try {
    bytes = redactedSigningBytes(event, roomVersion);
  } catch {
    return false; // not encodable as canonical JSON, so nobody can have signed it
  }
  return verifyJsonSignature(event, serverName, keyId, publicKey, bytes);
}

/**
 * The servers whose signatures an event needs (server-server API "Validating hashes and
 * signatures on received events"): the sender's server; in v1-v2 also the server named in the
 * event ID; for a restricted join (v8+), the server of `join_authorised_via_users_server`,
 * which auth rules require to have signed.
 */
export function requiredSignatureServers(event: RoomEvent): Set<string> {
  const servers = new Set<string>();
  servers.add(parseUserId(event.sender, { historical: true }).serverName);
  if (event.roomVersion.eventIdFormat === "v1") {
    const server = parseEventId(event.eventId, "v1").serverName;
    if (server !== undefined) servers.add(server);
  }
  if (event.type === "m.room.member" && event.roomVersion.restrictedJoinRule && event.content.membership === "join") {
    const via = event.content.join_authorised_via_users_server;
    if (typeof via === "string") {
      const server = serverNameOf(via);
      if (server) servers.add(server);
    }
  }
  return servers;
}
