/**
 * Signed JSON (spec appendix "Signing JSON"): an ed25519 signature over the canonical JSON of
 * the object without `signatures` and `unsigned`, stored as signatures[server][keyId].
 */
import { sign as edSign, verify as edVerify, type KeyObject } from "node:crypto";
import { ProtocolError } from "../errors.js";
import { isJsonObject, type JsonObject } from "../events/event.js";
import { canonicalJsonBytes } from "../json/canonical.js";
import { decodeBase64, encodeBase64, isBase64 } from "./base64.js";
import { ED25519, publicKeyObject, type SigningKey } from "./keys.js";

/** The parts of an object a signature never covers: others may add to them in transit. */
export const UNSIGNED_KEYS: readonly string[] = ["signatures", "unsigned"];

export type Signatures = { [server: string]: { [keyId: string]: string } };
export type PrivateKey = KeyObject | SigningKey;
export type PublicKey = KeyObject | Uint8Array | string;

/** The bytes a signature covers. */
export function signedBytesOf(obj: object): Buffer {
  return canonicalJsonBytes(obj, { strict: false, omit: UNSIGNED_KEYS });
}

/** Unpadded Base64 ed25519 signature of `bytes`. */
export function signBytes(bytes: Uint8Array, privateKey: PrivateKey): string {
  const key = "privateKeyObject" in privateKey ? privateKey.privateKeyObject : privateKey;
  return encodeBase64(edSign(null, bytes, key));
}

/** Whether `signature` (unpadded Base64) is a valid ed25519 signature of `bytes`. Never throws on bad input. */
export function verifyBytes(bytes: Uint8Array, signature: string, publicKey: PublicKey): boolean {
  if (typeof signature !== "string" || !isBase64(signature)) return false;
  const sig = decodeBase64(signature);
  if (sig.length !== 64) return false;
  let key: KeyObject;
  try {
    key = isKeyObject(publicKey) ? publicKey : publicKeyObject(publicKey);
  } catch {
    return false;
  }
  return edVerify(null, bytes, key, sig);
}

/**
 * Returns a copy of `obj` signed by `serverName` with `keyId`, keeping existing signatures
 * (from other servers or keys) and `unsigned`. The input is not modified.
 */
export function signJson<T extends object>(
  obj: T,
  serverName: string,
  keyId: string,
  privateKey: PrivateKey,
): T & { signatures: Signatures } {
  const signature = signBytes(signedBytesOf(obj), privateKey);
  return withSignature(obj, serverName, keyId, signature);
}

/** A copy of `obj` with one more signature in place. */
export function withSignature<T extends object>(
  obj: T,
  serverName: string,
  keyId: string,
  signature: string,
): T & { signatures: Signatures } {
  const existing = (obj as { signatures?: unknown }).signatures;
  const signatures: Signatures = {};
  if (isJsonObject(existing)) {
    for (const [server, sigs] of Object.entries(existing))
      if (isJsonObject(sigs)) signatures[server] = { ...(sigs as Record<string, string>) };
  }
  signatures[serverName] = { ...signatures[serverName], [keyId]: signature };
  return { ...obj, signatures };
}

/** `obj.signatures[serverName]` if it is an object: the one place that digs into a signatures block. */
function signaturesBy(obj: object, serverName: string): JsonObject | undefined {
  const sigs = (obj as { signatures?: unknown }).signatures;
  if (!isJsonObject(sigs)) return undefined;
  const mine = sigs[serverName];
  return isJsonObject(mine) ? mine : undefined;
}

/** The ed25519 key IDs `serverName` signed `obj` with (algorithms we cannot check are skipped). */
export function signingKeyIdsOf(obj: object, serverName: string): string[] {
  const mine = signaturesBy(obj, serverName);
  if (!mine) return [];
  return Object.keys(mine).filter((k) => k.startsWith(`${ED25519}:`) && typeof mine[k] === "string");
}

/**
 * Whether `obj` carries a valid signature from `serverName` with `keyId` under `publicKey`.
 * `signedBytes` overrides what the signature covers (e.g. an event's redacted form) and
 * saves re-encoding when several signatures are checked. Never throws on bad input.
 */
export function verifyJsonSignature(
  obj: object,
  serverName: string,
  keyId: string,
  publicKey: PublicKey,
  signedBytes?: Uint8Array,
): boolean {
  const signature = signaturesBy(obj, serverName)?.[keyId];
  if (typeof signature !== "string") return false;
  let bytes: Uint8Array;
  try {
    bytes = signedBytes ?? signedBytesOf(obj);
  } catch {
    return false; // not encodable as canonical JSON, so it cannot carry a valid signature
  }
  return verifyBytes(bytes, signature, publicKey);
}

/**
 * Verifies every signature `signer` put on `obj` with a key in `keys` and returns how many
 * held. Signatures by key IDs not in `keys` are skipped (we cannot check them, and the
 * spec says to ignore them); one that is present but wrong is tampering, so it throws
 * ProtocolError("BAD_SIGNATURE") rather than being outvoted by a good one.
 */
export function verifySignaturesBy(obj: object, signer: string, keys: ReadonlyMap<string, PublicKey>, signedBytes?: Uint8Array): number {
  const mine = signaturesBy(obj, signer);
  if (!mine) return 0;
  let bytes = signedBytes;
  let verified = 0;
  for (const [keyId, signature] of Object.entries(mine)) {
    const key = keys.get(keyId);
    if (key === undefined) continue;
    bytes ??= signedBytesOf(obj);
    if (typeof signature !== "string" || !verifyBytes(bytes, signature, key)) {
      throw new ProtocolError("BAD_SIGNATURE", `signature by ${signer} with ${keyId} does not verify`);
    }
    verified++;
  }
  return verified;
}

/**
 * Checks signatures from several servers, each with the keys we know for it: every server
 * must have at least one valid signature by a known key. The canonical bytes are computed
 * once. Throws ProtocolError("BAD_SIGNATURE").
 */
export function checkJsonSignatures(obj: object, keysByServer: ReadonlyMap<string, ReadonlyMap<string, PublicKey>>): void {
  const bytes = signedBytesOf(obj);
  for (const [server, keys] of keysByServer) {
    if (verifySignaturesBy(obj, server, keys, bytes) === 0) {
      throw new ProtocolError("BAD_SIGNATURE", `no signature from ${server} by a known key`);
    }
  }
}

function isKeyObject(k: PublicKey): k is KeyObject {
  return typeof k === "object" && !(k instanceof Uint8Array);
}
