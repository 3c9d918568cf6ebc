/**
 * Server signing keys (spec: server-server API, "Retrieving server keys"; room v5
 * "Signing key validity period"): checking a `/_matrix/key/v2/server` response, a notary's
 * `/_matrix/key/v2/query` response, and whether a key may vouch for an event or request.
 */
import type { KeyObject } from "node:crypto";
import { ProtocolError } from "../errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../events/event.js";
import type { RoomVersion } from "../roomversions.js";
import { decodeBase64 } from "../crypto/base64.js";
import { publicKeyObject, type SigningKey } from "../crypto/keys.js";
import { signJson, verifySignaturesBy, type PublicKey } from "../crypto/signing.js";

/** Spec: "the lesser of valid_until_ts and 7 days into the future". */
export const MAX_KEY_VALIDITY_MS = 7 * 24 * 3_600_000;

/** A server's key as stored and consulted when checking signatures. */
export interface ServerKey {
  readonly serverName: string;
  /** "ed25519:<version>" */
  readonly keyId: string;
  /** Unpadded base64 of the 32-byte ed25519 public key. */
  readonly publicKey: string;
  /**
   * For a current key (from verify_keys): valid_until_ts capped at fetch time + 7 days, so
   * a key is re-fetched at least weekly and its owner can revoke it. For an old key: 0.
   */
  readonly validUntilTs: number;
  /** For an old key (from old_verify_keys): when it stopped being used; else undefined. */
  readonly expiredTs: number | undefined;
}

const badKey = (message: string): never => {
  throw new ProtocolError("BAD_KEY", message);
};

function isTimestamp(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

const isEd25519 = (keyId: string): boolean => keyId.startsWith("ed25519:") && keyId.length > "ed25519:".length;

function decodePublicKey(where: string, entry: JsonValue | undefined): { text: string; key: KeyObject } {
  if (!isJsonObject(entry) || typeof entry.key !== "string") return badKey(`${where}.key is missing or not a string`);
  try {
    return { text: entry.key.replace(/=+$/, ""), key: publicKeyObject(decodeBase64(entry.key)) };
  } catch {
    return badKey(`${where}.key is not an unpadded-base64 32-byte ed25519 key`);
  }
}

export interface VerifyServerKeysOptions {
  /** The server we asked about: a response for another name is refused. */
  readonly serverName: string;
  /** When the response was fetched (ms): the base of the 7-day cap. */
  readonly fetchedAt: number;
}

/**
 * Checks a server keys object (a `/_matrix/key/v2/server` response or one entry of a
 * notary's `server_keys`) and returns its ed25519 keys, current and old.
 *
 * It must name the expected server, carry a `valid_until_ts`, hold at least one ed25519
 * verify key, and be signed by the server itself with one of its `verify_keys`. Every
 * self-signature made with a listed verify key must hold (a bad one means tampering);
 * signatures with unlisted key IDs are skipped, as a notary may relay ones it cannot check.
 * Keys of algorithms other than ed25519 are ignored.
 */
export function verifyServerKeys(json: unknown, options: VerifyServerKeysOptions): ServerKey[] {
  if (!isJsonObject(json)) return badKey("server keys response is not a JSON object");
  const serverName = json.server_name;
  if (typeof serverName !== "string") return badKey("server_name is missing or not a string");
  if (serverName !== options.serverName) {
    return badKey(`server_name ${JSON.stringify(serverName)} is not the server asked about (${options.serverName})`);
  }
  const validUntil = json.valid_until_ts;
  if (!isTimestamp(validUntil)) return badKey("valid_until_ts is missing or not a non-negative integer");
  if (!isJsonObject(json.verify_keys)) return badKey("verify_keys is missing or not an object");
  if (json.old_verify_keys !== undefined && !isJsonObject(json.old_verify_keys)) return badKey("old_verify_keys is not an object");
  if (!isJsonObject(json.signatures)) return badKey("signatures is missing or not an object");

  const current = new Map<string, { text: string; key: KeyObject }>();
  for (const [keyId, entry] of Object.entries(json.verify_keys)) {
    if (isEd25519(keyId)) current.set(keyId, decodePublicKey(`verify_keys[${JSON.stringify(keyId)}]`, entry));
  }
  if (current.size === 0) return badKey(`${serverName} publishes no ed25519 verify key`);

  // Shape first, so a malformed response is reported as such rather than as a bad signature.
  const oldKeys: ServerKey[] = [];
  for (const [keyId, entry] of Object.entries(json.old_verify_keys ?? {})) {
    if (!isEd25519(keyId)) continue;
    // A key listed as both current and old is current: the server still signs with it.
    if (current.has(keyId)) continue;
    const where = `old_verify_keys[${JSON.stringify(keyId)}]`;
    const k = decodePublicKey(where, entry);
    const expired = (entry as JsonObject).expired_ts;
    if (!isTimestamp(expired)) return badKey(`${where}.expired_ts is missing or not a non-negative integer`);
    oldKeys.push({ serverName, keyId, publicKey: k.text, validUntilTs: 0, expiredTs: expired });
  }

  if (!isJsonObject(json.signatures[serverName])) return badKey(`response is not signed by ${serverName}`);
  const selfKeys = new Map([...current].map(([keyId, k]) => [keyId, k.key]));
  if (verifySignaturesBy(json, serverName, selfKeys) === 0) {
    return badKey(`response is not signed by ${serverName} with any of its verify_keys`);
  }

  const cappedValidUntil = Math.min(validUntil, options.fetchedAt + MAX_KEY_VALIDITY_MS);
  const keys: ServerKey[] = [...current].map(([keyId, k]) => ({
    serverName,
    keyId,
    publicKey: k.text,
    validUntilTs: cappedValidUntil,
    expiredTs: undefined,
  }));
  return [...keys, ...oldKeys];
}

/**
 * May this key vouch for an event with this origin_server_ts?
 * - An old key only for events before it expired (spec: keys "known to have expired prior
 *   to the event's origin_server_ts are ignored"), whatever the room version.
 * - A current key: from room v5 on, only if origin_server_ts <= its (capped)
 *   valid_until_ts; in v1-v4 valid_until_ts must be ignored.
 */
export function keyValidForEvent(key: ServerKey, eventTs: number, roomVersion: RoomVersion): boolean {
  if (key.expiredTs !== undefined) return eventTs <= key.expiredTs;
  if (!roomVersion.enforceKeyValidity) return true;
  return eventTs <= key.validUntilTs;
}

/** May this key authenticate a request (X-Matrix) now? Only current, unexpired keys sign requests. */
export function keyValidForRequest(key: ServerKey, now: number): boolean {
  return key.expiredTs === undefined && now <= key.validUntilTs;
}

export interface NotaryKeysOptions {
  /** The notary's server name. */
  readonly notary: string;
  /** The notary's keys we trust (configured, like Synapse's trusted_key_servers), by key ID. */
  readonly notaryKeys: ReadonlyMap<string, PublicKey>;
  /** When the response was fetched (ms). */
  readonly fetchedAt: number;
  /** If given, entries for other servers are ignored. */
  readonly requested?: ReadonlySet<string>;
}

export interface NotaryKeysResult {
  readonly keys: ServerKey[];
  /** Entries refused, with the reason: one bad entry does not spoil the others. */
  readonly rejected: { readonly serverName: string | undefined; readonly reason: string }[];
}

/**
 * Checks a notary's `/_matrix/key/v2/query` response: each entry of `server_keys` must be
 * a valid self-signed server keys object (as verifyServerKeys) and also carry a valid
 * signature by the notary with a key we trust for it.
 */
export function verifyNotaryResponse(json: unknown, options: NotaryKeysOptions): NotaryKeysResult {
  if (!isJsonObject(json) || !Array.isArray(json.server_keys)) return badKey("notary response has no server_keys array");
  const keys: ServerKey[] = [];
  const rejected: NotaryKeysResult["rejected"] = [];
  for (const entry of json.server_keys) {
    const serverName = isJsonObject(entry) && typeof entry.server_name === "string" ? entry.server_name : undefined;
    if (serverName !== undefined && options.requested !== undefined && !options.requested.has(serverName)) continue;
    try {
      if (serverName === undefined) badKey("server_name is missing or not a string");
      verifyNotarySignature(entry as JsonObject, options);
      keys.push(...verifyServerKeys(entry, { serverName: serverName!, fetchedAt: options.fetchedAt }));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      rejected.push({ serverName, reason: e.message });
    }
  }
  return { keys, rejected };
}

function verifyNotarySignature(entry: JsonObject, options: NotaryKeysOptions): void {
  const sigs = isJsonObject(entry.signatures) ? entry.signatures[options.notary] : undefined;
  if (!isJsonObject(sigs)) return badKey(`entry is not signed by notary ${options.notary}`);
  if (verifySignaturesBy(entry, options.notary, options.notaryKeys) === 0) {
    badKey(`entry is not signed by notary ${options.notary} with a trusted key`);
  }
}

/** The body of `POST /_matrix/key/v2/query`; minimum_valid_until_ts prompts a refresh (v5 rule). */
export function notaryQueryBody(wanted: readonly { serverName: string; keyId?: string; minimumValidUntilTs: number }[]): JsonObject {
  const serverKeys: { [server: string]: { [keyId: string]: JsonObject } } = {};
  for (const w of wanted) {
    const perServer = (serverKeys[w.serverName] ??= {});
    if (w.keyId !== undefined) perServer[w.keyId] = { minimum_valid_until_ts: w.minimumValidUntilTs };
  }
  return { server_keys: serverKeys };
}

export interface PublishedKeys {
  readonly serverName: string;
  readonly verifyKeys: readonly { keyId: string; publicKey: string }[];
  readonly oldVerifyKeys?: readonly { keyId: string; publicKey: string; expiredTs: number }[];
  readonly validUntilTs: number;
}

/** Our own `/_matrix/key/v2/server` response, signed with each current key we hold. */
export function buildServerKeys(published: PublishedKeys, signingKeys: readonly SigningKey[]): JsonObject {
  let json: JsonObject = {
    server_name: published.serverName,
    verify_keys: Object.fromEntries(published.verifyKeys.map((k) => [k.keyId, { key: k.publicKey }])),
    old_verify_keys: Object.fromEntries(
      (published.oldVerifyKeys ?? []).map((k) => [k.keyId, { key: k.publicKey, expired_ts: k.expiredTs }]),
    ),
    valid_until_ts: published.validUntilTs,
  };
  for (const key of signingKeys) json = signJson(json, published.serverName, key.keyId, key);
  return json;
}
