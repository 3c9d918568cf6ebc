/**
 * ed25519 signing keys: seeds, key IDs, node:crypto KeyObjects, and Synapse's signing key
 * file format. Signing, verifying and deriving public keys use node:crypto (about 100x faster
 * than tweetnacl, whose first key derivation in a cold process took ~0.6 s of a start-up);
 * tweetnacl serves as a cross-check in tests.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import { ProtocolError } from "../errors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";

export const ED25519 = "ed25519";

export interface SigningKey {
  /** "ed25519:<version>" */
  readonly keyId: string;
  readonly version: string;
  /** The 32-byte seed: the whole secret, as stored in the key file. */
  readonly seed: Uint8Array;
  /** The 32-byte raw public key. */
  readonly publicKey: Uint8Array;
  /** Unpadded standard Base64 of the public key, as published in /_matrix/key/v2/server. */
  readonly publicKeyBase64: string;
  readonly privateKeyObject: KeyObject;
}

// DER headers that turn a raw 32-byte ed25519 seed / public key into PKCS#8 / SPKI, the only
// raw-ish forms node:crypto imports (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A key version is the part after "ed25519:"; Synapse's grammar is [a-zA-Z0-9_]. */
const KEY_VERSION = /^[A-Za-z0-9_]+$/;

export function keyIdOf(version: string): string {
  return `${ED25519}:${version}`;
}

/** Splits "ed25519:abc" into its algorithm and version. */
export function parseKeyId(keyId: string): { algorithm: string; version: string } {
  const i = keyId.indexOf(":");
  if (i <= 0 || i === keyId.length - 1) throw new ProtocolError("BAD_KEY", `key ID ${JSON.stringify(keyId)} is not "algorithm:version"`);
  return { algorithm: keyId.slice(0, i), version: keyId.slice(i + 1) };
}

export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new ProtocolError("BAD_KEY", `ed25519 seed must be 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** Builds a signing key from its seed. */
export function signingKeyFromSeed(seed: Uint8Array, version: string): SigningKey {
  if (!KEY_VERSION.test(version)) throw new ProtocolError("BAD_KEY", `key version ${JSON.stringify(version)} must match [A-Za-z0-9_]+`);
  const privateKeyObject = privateKeyFromSeed(seed);
  // The raw public key is the SPKI form's last 32 bytes.
  const publicKey = new Uint8Array(
    createPublicKey(privateKeyObject).export({ format: "der", type: "spki" }).subarray(SPKI_ED25519_PREFIX.length),
  );
  return {
    keyId: keyIdOf(version),
    version,
    seed: Uint8Array.from(seed),
    publicKey,
    publicKeyBase64: encodeBase64(publicKey),
    privateKeyObject,
  };
}

/** A fresh key with a random seed. Versions default to Synapse's style, "a_" + 4 characters. */
export function generateSigningKey(version?: string): SigningKey {
  return signingKeyFromSeed(randomBytes(32), version ?? randomKeyVersion());
}

function randomKeyVersion(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(4);
  let out = "a_";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

// Importing a public key costs about as much as a verify, and the same few server keys
// verify most events, so imported keys are kept (bounded, since any server can add keys).
const publicKeyCache = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_LIMIT = 10_000;

/** A node:crypto KeyObject for a raw 32-byte public key, or its unpadded Base64. Cached. */
export function publicKeyObject(key: Uint8Array | string): KeyObject {
  const b64 = typeof key === "string" ? key : encodeBase64(key);
  const cached = publicKeyCache.get(b64);
  if (cached) return cached;
  const raw = typeof key === "string" ? decodeBase64(key) : key;
  if (raw.length !== 32) throw new ProtocolError("BAD_KEY", `ed25519 public key must be 32 bytes, got ${raw.length}`);
  const obj = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: "der", type: "spki" });
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
  publicKeyCache.set(b64, obj);
  return obj;
}

/**
 * Parses Synapse's signing key file: one key per line, "ed25519 <version> <unpadded base64 seed>".
 * Blank lines are skipped; anything else malformed is a ProtocolError("BAD_KEY") naming the line.
 */
export function parseSigningKeyFile(text: string): SigningKey[] {
  const keys: SigningKey[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 3) throw new ProtocolError("BAD_KEY", `signing key file line ${i + 1}: expected "ed25519 <version> <seed>"`);
    const [algorithm, version, seedB64] = parts as [string, string, string];
    if (algorithm !== ED25519)
      throw new ProtocolError("BAD_KEY", `signing key file line ${i + 1}: unsupported algorithm ${JSON.stringify(algorithm)}`);
    let seed: Buffer;
    try {
      seed = decodeBase64(seedB64);
    } catch {
      throw new ProtocolError("BAD_KEY", `signing key file line ${i + 1}: seed is not Base64`);
    }
    if (seed.length !== 32) throw new ProtocolError("BAD_KEY", `signing key file line ${i + 1}: seed must be 32 bytes, got ${seed.length}`);
    keys.push(signingKeyFromSeed(seed, version));
  }
  return keys;
}

export function formatSigningKeyFile(keys: readonly SigningKey[]): string {
  return keys.map((k) => `${ED25519} ${k.version} ${encodeBase64(k.seed)}\n`).join("");
}
