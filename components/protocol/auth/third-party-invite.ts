import { decodeBase64, decodeBase64Url, isBase64, isBase64Url } from "../crypto/base64.js";
import { verifyJsonSignature } from "../crypto/signing.js";
import { isJsonObject, type JsonObject } from "../events/event.js";

/**
 * Checking the `signed` block of a third-party invite against the keys the inviter
 * published in m.room.third_party_invite (auth rule "If any signature in `signed` matches
 * any public key in the m.room.third_party_invite event, allow").
 */

/**
 * Verifies `obj`'s signature by `server` under `keyId` with an ed25519 public key given as
 * unpadded base64 (standard or URL-safe). checkAuth uses verifyThirdPartyInviteSignature
 * unless the caller passes another (tests pass fakes).
 */
export type SignatureVerifier = (obj: JsonObject, server: string, keyId: string, publicKeyBase64: string) => boolean;

/**
 * The real SignatureVerifier: signed-JSON verification (crypto/signing) with the invite's
 * public key. Identity servers publish keys in either Base64 alphabet (Synapse accepts
 * both), so the URL-safe form is tried when the standard one does not parse. A key that
 * is neither, or not 32 bytes, verifies nothing.
 */
export const verifyThirdPartyInviteSignature: SignatureVerifier = (obj, server, keyId, publicKeyBase64) => {
  const raw = isBase64(publicKeyBase64)
    ? decodeBase64(publicKeyBase64)
    : isBase64Url(publicKeyBase64)
      ? decodeBase64Url(publicKeyBase64)
      : undefined;
  if (raw === undefined || raw.length !== 32) return false;
  return verifyJsonSignature(obj, server, keyId, raw);
};

/** The public keys of an m.room.third_party_invite: `public_key` and every `public_keys[].public_key`. */
export function thirdPartyInvitePublicKeys(inviteContent: JsonObject): string[] {
  const keys: string[] = [];
  const single = inviteContent["public_key"];
  if (typeof single === "string") keys.push(single);
  const list = inviteContent["public_keys"];
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (isJsonObject(entry) && typeof entry["public_key"] === "string") keys.push(entry["public_key"]);
    }
  }
  return keys;
}

/**
 * True if any signature in `signed.signatures` verifies with any of the invite's public
 * keys. Only ed25519 keys can be checked with a bare public key, so other algorithms are
 * skipped; a verifier that throws counts as a mismatch.
 */
export function verifyThirdPartyInviteSigned(signed: JsonObject, inviteContent: JsonObject, verify: SignatureVerifier): boolean {
  const signatures = signed["signatures"];
  if (!isJsonObject(signatures)) return false;
  const keys = thirdPartyInvitePublicKeys(inviteContent);
  for (const [server, byKey] of Object.entries(signatures)) {
    if (!isJsonObject(byKey)) continue;
    for (const keyId of Object.keys(byKey)) {
      if (!keyId.startsWith("ed25519:")) continue;
      for (const publicKey of keys) {
        try {
          if (verify(signed, server, keyId, publicKey)) return true;
        } catch {
          // A malformed key or signature is simply not a match.
        }
      }
    }
  }
  return false;
}
