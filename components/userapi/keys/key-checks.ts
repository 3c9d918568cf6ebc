import { ED25519, encodeCanonicalJson, isJsonObject, verifyJsonSignature } from "../../protocol/index.js";
import { UserApiError } from "../api/errors.js";
import type { JsonObject } from "../api/keys.js";

/**
 * The checks an upload passes before anything is stored: the keys name the uploading user
 * and device, and carry that device's own ed25519 signature over their canonical JSON
 * (without `signatures` and `unsigned`), so nobody can publish keys in another device's name.
 */

const badJson = (message: string) => new UserApiError("BAD_JSON", message);
const invalid = (message: string) => new UserApiError("INVALID_PARAM", message);

/** The ID of a device's own signing key, `ed25519:<device_id>`. */
export function deviceSigningKeyId(deviceId: string): string {
  return `${ED25519}:${deviceId}`;
}

/** Canonical JSON text, the form keys are stored and compared in; BAD_JSON when it has none. */
export function canonicalText(value: unknown): string {
  try {
    return encodeCanonicalJson(value, { strict: true });
  } catch (err) {
    throw badJson(`keys must be canonical JSON: ${(err as Error).message}`);
  }
}

/** Whether `signer` signed `obj` with the device's key. */
function signedByDevice(obj: JsonObject, userId: string, deviceId: string, ed25519Key: string): boolean {
  return verifyJsonSignature(obj, userId, deviceSigningKeyId(deviceId), ed25519Key);
}

/**
 * Checks the device keys object and returns it as stored (without `unsigned`, which the
 * server fills in when serving) together with the device's ed25519 key.
 */
export function checkDeviceKeys(deviceKeys: unknown, userId: string, deviceId: string): { stored: JsonObject; ed25519Key: string } {
  if (!isJsonObject(deviceKeys)) throw badJson("device_keys must be an object");
  const { user_id, device_id, algorithms, keys } = deviceKeys;
  if (user_id !== userId) throw invalid(`device_keys.user_id must be ${userId}`);
  if (device_id !== deviceId) throw invalid(`device_keys.device_id must be ${deviceId}`);
  if (!Array.isArray(algorithms) || algorithms.some((a) => typeof a !== "string"))
    throw badJson("device_keys.algorithms must be a list of strings");
  if (!isJsonObject(keys) || Object.values(keys).some((k) => typeof k !== "string"))
    throw badJson("device_keys.keys must map key IDs to strings");
  const ed25519Key = keys[deviceSigningKeyId(deviceId)];
  if (typeof ed25519Key !== "string") throw invalid(`device_keys.keys must hold the device's ${deviceSigningKeyId(deviceId)} key`);
  if (!isJsonObject(deviceKeys.signatures)) throw badJson("device_keys.signatures must be an object");
  const { unsigned: _unsigned, ...stored } = deviceKeys;
  if (!signedByDevice(stored, userId, deviceId, ed25519Key)) {
    throw invalid(`device_keys carry no valid signature by ${userId} with ${deviceSigningKeyId(deviceId)}`);
  }
  return { stored, ed25519Key };
}

export interface CheckedKey {
  readonly algorithm: string;
  readonly keyId: string;
  /** The key as stored and served, in canonical JSON. */
  readonly json: string;
}

/**
 * Checks a map of one-time or fallback keys, `<algorithm>:<key_id>` to key. Keys of a
 * `signed_` algorithm must be objects signed by the device; others are taken as given.
 * `ed25519Key` is null when the device has no device keys yet: signed keys are refused then.
 */
export function checkKeyMap(map: unknown, field: string, userId: string, deviceId: string, ed25519Key: string | null): CheckedKey[] {
  if (!isJsonObject(map)) throw badJson(`${field} must be an object`);
  return Object.entries(map).map(([fullId, key]) => {
    const colon = fullId.indexOf(":");
    if (colon <= 0 || colon === fullId.length - 1) throw badJson(`${field}: ${JSON.stringify(fullId)} is not <algorithm>:<key_id>`);
    const algorithm = fullId.slice(0, colon);
    if (typeof key !== "string" && !isJsonObject(key)) throw badJson(`${field}.${fullId} must be a string or an object`);
    if (algorithm.startsWith("signed_")) {
      if (!isJsonObject(key) || typeof key.key !== "string") throw badJson(`${field}.${fullId} must be an object with a string key`);
      if (ed25519Key === null) throw invalid(`${field}.${fullId} is signed, but the device has uploaded no device keys to check it with`);
      const { unsigned: _unsigned, ...signed } = key;
      if (!signedByDevice(signed, userId, deviceId, ed25519Key)) {
        throw invalid(`${field}.${fullId} carries no valid signature by ${userId} with ${deviceSigningKeyId(deviceId)}`);
      }
    }
    return { algorithm, keyId: fullId.slice(colon + 1), json: canonicalText(key) };
  });
}
