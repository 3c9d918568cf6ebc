import type { Database } from "../../internal/database/database.js";
import { ED25519, isJsonObject } from "../../protocol/index.js";
import type { LocalUsers } from "../accounts/local-users.js";
import { UserApiError } from "../api/errors.js";
import { CROSS_SIGNING_KEY_TYPES, type CrossSigningUpload, type JsonObject, type SignatureFailure } from "../api/keys.js";
import type { DeviceListChanges } from "../producers/device-list-changes.js";
import { selectCrossSigningKeys, selectCrossSigningKeysForUpdate, upsertCrossSigningKey } from "../storage/cross-signing-keys.js";
import { selectDeviceKeysOfUsers } from "../storage/device-keys.js";
import { selectDevices } from "../storage/devices.js";
import { upsertKeySignatures, type KeySignatureRow } from "../storage/key-signatures.js";
import { checkCrossSigningKey, publicKeyOf, sameKey, signedWith } from "./cross-signing-checks.js";
import { canonicalText, deviceSigningKeyId } from "./key-checks.js";

/** The signature `signer` put on `obj` with `ed25519:<keyName>`, if any. */
function signatureBy(obj: JsonObject, signer: string, keyName: string): string | null {
  const sigs = obj.signatures;
  const mine = isJsonObject(sigs) ? sigs[signer] : undefined;
  const sig = isJsonObject(mine) ? mine[`${ED25519}:${keyName}`] : undefined;
  return typeof sig === "string" ? sig : null;
}

/**
 * Cross-signing: a user's master key vouches for their self-signing key (which signs their
 * devices) and user-signing key (which signs other users' master keys). The server checks
 * every signature it accepts, so a client reading keys from here reads only what the keys'
 * owners signed.
 */
export class CrossSigning {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
    private readonly deviceLists: DeviceListChanges,
  ) {}

  async uploadKeys(userId: string, upload: CrossSigningUpload, authenticated: boolean): Promise<{ stored: boolean }> {
    const localpart = this.users.localpart(userId);
    const checked = CROSS_SIGNING_KEY_TYPES.flatMap((type) =>
      upload[type] === undefined ? [] : [checkCrossSigningKey(upload[type], type, userId)],
    );
    const outcome = await this.db.transaction(async (tx) => {
      const stored = await selectCrossSigningKeysForUpdate(tx, localpart);
      const deviceIds = new Set((await selectDevices(tx, localpart)).map((d) => d.device_id));
      for (const k of checked) {
        // A key named like a device would make signatures by the two indistinguishable.
        if (deviceIds.has(k.publicKey))
          throw new UserApiError("FORBIDDEN", `the ${k.type} key's public key is one of the user's device IDs`);
      }
      const storedMaster = stored.get("master");
      const masterKey =
        checked.find((k) => k.type === "master")?.publicKey ?? (storedMaster === undefined ? null : publicKeyOf(storedMaster));
      for (const k of checked) {
        if (k.type === "master") continue;
        if (masterKey === null)
          throw new UserApiError("MISSING_PARAM", "no master key to check the other keys' signatures with: upload one");
        if (!signedWith(k.stored, userId, masterKey, masterKey)) {
          throw new UserApiError("INVALID_SIGNATURE", `the ${k.type} key carries no valid signature by the master key`);
        }
      }
      const changes = checked.filter((k) => stored.get(k.type) !== canonicalText(k.stored));
      if (changes.length === 0) return { stored: true, changed: false };
      // The first keys need no password; replacing keys does (spec: device_signing/upload).
      if (!authenticated && storedMaster !== undefined) return { stored: false, changed: false };
      for (const k of changes) await upsertCrossSigningKey(tx, localpart, k.type, canonicalText(k.stored));
      return { stored: true, changed: true };
    });
    if (outcome.changed) await this.deviceLists.changed(userId, "");
    return { stored: outcome.stored };
  }

  async uploadSignatures(userId: string, signed: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<SignatureFailure[]> {
    const localpart = this.users.localpart(userId);
    const own = new Map((await selectCrossSigningKeys(this.db, [localpart])).map((r) => [r.key_type, r.key_json]));
    const ownKey = (type: "master" | "self_signing" | "user_signing") => {
      const json = own.get(type);
      return json === undefined ? null : { json: JSON.parse(json) as JsonObject, publicKey: publicKeyOf(json) };
    };
    const master = ownKey("master");
    const selfSigning = ownKey("self_signing");
    const userSigning = ownKey("user_signing");
    const devices = new Map(
      (await selectDeviceKeysOfUsers(this.db, [localpart])).map((r) => [r.device_id, JSON.parse(r.key_json) as JsonObject]),
    );

    const failures: SignatureFailure[] = [];
    const accepted: KeySignatureRow[] = [];
    const accept = (originKey: string, targetUserId: string, targetKeyId: string, signature: string) =>
      accepted.push({
        origin_user_id: userId,
        origin_key_id: `${ED25519}:${originKey}`,
        target_user_id: targetUserId,
        target_key_id: targetKeyId,
        signature,
      });

    for (const [targetUserId, keys] of Object.entries(signed)) {
      for (const [keyId, obj] of Object.entries(keys)) {
        const fail = (code: SignatureFailure["code"], message: string) => failures.push({ userId: targetUserId, keyId, code, message });
        if (!isJsonObject(obj)) {
          fail("INVALID_PARAM", "the signed key must be an object");
          continue;
        }
        // Checked against the key as stored: a signature counts only for the key it was made on.
        const signOne = (target: JsonObject, signer: { publicKey: string } | null, missing: string) => {
          if (!signer) return fail("NOT_FOUND", missing);
          if (!sameKey(obj, target)) return fail("INVALID_PARAM", "the signed object is not the key stored under this ID");
          const signature = signatureBy(obj, userId, signer.publicKey);
          if (signature === null || !signedWith(obj, userId, signer.publicKey, signer.publicKey)) {
            return fail("INVALID_SIGNATURE", `no valid signature by ${userId} with ${ED25519}:${signer.publicKey}`);
          }
          accept(signer.publicKey, targetUserId, keyId, signature);
        };

        if (targetUserId === userId) {
          const device = devices.get(keyId);
          if (device) signOne(device, selfSigning, "the user has no self-signing key to sign devices with");
          else if (master && keyId === master.publicKey) this.signMasterWithDevices(userId, obj, master.json, devices, keyId, accept, fail);
          else fail("NOT_FOUND", "no device or cross-signing key of the user has this ID");
          continue;
        }
        const targetLocalpart = this.users.tryLocalpart(targetUserId);
        const targetMaster =
          targetLocalpart === null ? [] : (await selectCrossSigningKeys(this.db, [targetLocalpart])).filter((r) => r.key_type === "master");
        if (targetMaster.length === 0 || publicKeyOf(targetMaster[0]!.key_json) !== keyId) {
          fail("NOT_FOUND", "only the master keys of this server's users can be signed here");
          continue;
        }
        signOne(
          JSON.parse(targetMaster[0]!.key_json) as JsonObject,
          userSigning,
          "the user has no user-signing key to sign other users with",
        );
      }
    }
    await upsertKeySignatures(this.db, accepted);
    // The signer's other devices learn of the new signatures; others' signatures on the
    // signer's own keys are what everyone sharing a room with them needs to fetch.
    if (accepted.length > 0) await this.deviceLists.changed(userId, "");
    return failures;
  }

  /** The user's devices vouch for their master key: each valid device signature is kept. */
  private signMasterWithDevices(
    userId: string,
    obj: JsonObject,
    master: JsonObject,
    devices: ReadonlyMap<string, JsonObject>,
    masterKeyId: string,
    accept: (originKey: string, targetUserId: string, targetKeyId: string, signature: string) => void,
    fail: (code: SignatureFailure["code"], message: string) => void,
  ): void {
    if (!sameKey(obj, master)) return fail("INVALID_PARAM", "the signed object is not the user's master key");
    let found = 0;
    for (const [deviceId, device] of devices) {
      const signature = signatureBy(obj, userId, deviceId);
      const deviceKey = (device.keys as Record<string, string>)[deviceSigningKeyId(deviceId)];
      if (signature === null || deviceKey === undefined) continue;
      if (!signedWith(obj, userId, deviceId, deviceKey))
        return fail("INVALID_SIGNATURE", `the signature by device ${deviceId} does not verify`);
      accept(deviceId, userId, masterKeyId, signature);
      found++;
    }
    if (found === 0) fail("INVALID_SIGNATURE", "no signature by one of the user's devices");
  }
}
