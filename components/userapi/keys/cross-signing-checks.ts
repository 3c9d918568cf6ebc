import {
  decodeBase64,
  ED25519,
  isBase64,
  isJsonObject,
  UNSIGNED_KEYS,
  verifyJsonSignature,
  encodeCanonicalJson,
} from "../../protocol/index.js";
import { UserApiError } from "../api/errors.js";
import type { CrossSigningKeyType, JsonObject } from "../api/keys.js";

/**
 * The shape of cross-signing keys, and what signatures on keys prove. Kept apart from the
 * storage so each rule reads on its own.
 */

const invalid = (message: string) => new UserApiError("INVALID_PARAM", message);

/** A cross-signing key checked for its user and usage; `publicKey` is its one ed25519 key. */
export interface CheckedCrossSigningKey {
  readonly type: CrossSigningKeyType;
  readonly publicKey: string;
  /** As stored: without `unsigned`. */
  readonly stored: JsonObject;
}

export function checkCrossSigningKey(key: unknown, type: CrossSigningKeyType, userId: string): CheckedCrossSigningKey {
  if (!isJsonObject(key)) throw new UserApiError("BAD_JSON", `the ${type} key must be an object`);
  if (key.user_id !== userId) throw invalid(`the ${type} key's user_id must be ${userId}`);
  if (!Array.isArray(key.usage) || !key.usage.includes(type)) throw invalid(`the ${type} key's usage must include "${type}"`);
  const entries = isJsonObject(key.keys) ? Object.entries(key.keys) : [];
  if (entries.length !== 1) throw invalid(`the ${type} key's keys must hold exactly one key`);
  const [keyId, publicKey] = entries[0]!;
  if (
    typeof publicKey !== "string" ||
    keyId !== `${ED25519}:${publicKey}` ||
    !isBase64(publicKey) ||
    decodeBase64(publicKey).length !== 32
  ) {
    throw invalid(`the ${type} key must be one ed25519 public key, named ed25519:<the key>`);
  }
  if (key.signatures !== undefined && !isJsonObject(key.signatures))
    throw new UserApiError("BAD_JSON", `the ${type} key's signatures must be an object`);
  const { unsigned: _unsigned, ...stored } = key;
  return { type, publicKey, stored };
}

/** The public key of a stored cross-signing key. */
export function publicKeyOf(keyJson: string): string {
  const keys = (JSON.parse(keyJson) as { keys: Record<string, string> }).keys;
  return Object.values(keys)[0]!;
}

/** Whether `signer`'s ed25519 key `publicKey` (named by key ID `ed25519:<keyName>`) signed `obj`. */
export function signedWith(obj: JsonObject, signer: string, keyName: string, publicKey: string): boolean {
  return verifyJsonSignature(obj, signer, `${ED25519}:${keyName}`, publicKey);
}

/** Whether two key objects are the same key, whatever signatures either carries. */
export function sameKey(a: JsonObject, b: JsonObject): boolean {
  try {
    return encodeCanonicalJson(a, { omit: UNSIGNED_KEYS }) === encodeCanonicalJson(b, { omit: UNSIGNED_KEYS });
  } catch {
    return false;
  }
}
