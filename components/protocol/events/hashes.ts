/**
 * Content hashes and reference hashes (server-server API, "Signing Events").
 * - content hash: sha256 of the canonical JSON of the whole event minus `unsigned`,
 *   `signatures` and `hashes`; proves the unredacted content is what was signed.
 * - reference hash: sha256 of the canonical JSON of the *redacted* event minus `signatures`
 *   and `unsigned`; names the event (event IDs v3+, prev/auth references in v1-v2).
 *   (Older servers also dropped top-level `age_ts`; redaction already removes it.)
 */
import { hash } from "node:crypto";
import { decodeBase64, encodeBase64, isBase64 } from "../crypto/base64.js";
import { UNSIGNED_KEYS } from "../crypto/signing.js";
import { canonicalJsonBytes, encodeCanonicalJson } from "../json/canonical.js";
import type { RoomVersion } from "../roomversions.js";
import type { JsonObject } from "./event.js";
import { redactEventJson } from "./redaction.js";

const CONTENT_HASH_OMIT: readonly string[] = ["unsigned", "signatures", "hashes"];

// One-shot crypto.hash skips the Hash object that createHash allocates: measurably faster per event.
export function sha256(data: string | Uint8Array): Buffer {
  return hash("sha256", data, "buffer");
}

/** The raw 32-byte content hash. */
export function contentHash(event: JsonObject): Buffer {
  return sha256(encodeCanonicalJson(event, { omit: CONTENT_HASH_OMIT }));
}

/** A copy of `event` with `hashes.sha256` set to its content hash. */
export function withContentHash(event: JsonObject): JsonObject {
  return { ...event, hashes: { sha256: encodeBase64(contentHash(event)) } };
}

/**
 * Whether the event's `hashes.sha256` matches its content. A mismatch means the content was
 * altered (or the sender redacted it): the receiver must keep only the redacted form.
 */
export function checkContentHash(event: JsonObject): boolean {
  const hashes = event.hashes;
  if (typeof hashes !== "object" || hashes === null || Array.isArray(hashes)) return false;
  const claimed = hashes.sha256;
  if (typeof claimed !== "string" || !isBase64(claimed)) return false;
  let actual: Buffer;
  try {
    actual = contentHash(event);
  } catch {
    return false;
  }
  return actual.equals(decodeBase64(claimed));
}

/** The bytes a reference hash (and an event signature) is computed over. */
export function redactedSigningBytes(event: JsonObject, roomVersion: RoomVersion): Buffer {
  return canonicalJsonBytes(redactEventJson(event, roomVersion), { omit: UNSIGNED_KEYS });
}

/** The raw 32-byte reference hash. */
export function referenceHash(event: JsonObject, roomVersion: RoomVersion): Buffer {
  return sha256(redactedSigningBytes(event, roomVersion));
}
