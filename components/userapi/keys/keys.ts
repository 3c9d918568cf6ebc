import type { Database, Queryable } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import { UserApiError } from "../api/errors.js";
import type {
  ClaimedKey,
  CrossSigningKey,
  CrossSigningUpload,
  DeviceKeys,
  JsonObject,
  KeyClaim,
  KeyCounts,
  KeysApi,
  KeysQueryResult,
  KeysUpload,
  SignatureFailure,
  UserDevicesQuery,
} from "../api/keys.js";
import type { DeviceListChanges } from "../producers/device-list-changes.js";
import { selectCrossSigningKeys } from "../storage/cross-signing-keys.js";
import { selectDeviceKeyJson, selectDeviceKeysOfUsers, upsertDeviceKeys } from "../storage/device-keys.js";
import { claimFallbackKeys, selectUnusedFallbackAlgorithms, upsertFallbackKey } from "../storage/fallback-keys.js";
import { deleteSignaturesOfTarget, selectKeySignatures, type KeySignatureRow } from "../storage/key-signatures.js";
import { claimOneTimeKeys, countOneTimeKeys, insertOneTimeKeys, selectOneTimeKeys } from "../storage/one-time-keys.js";
import { CrossSigning } from "./cross-signing.js";
import { publicKeyOf } from "./cross-signing-checks.js";
import { canonicalText, checkDeviceKeys, checkKeyMap, deviceSigningKeyId, type CheckedKey } from "./key-checks.js";

/** The ed25519 key in stored device keys (checked at upload, so present). */
function storedSigningKey(keyJson: string, deviceId: string): string {
  const keys = (JSON.parse(keyJson) as { keys: Record<string, string> }).keys;
  return keys[deviceSigningKeyId(deviceId)]!;
}

/** Merges stored signatures into a key object's own. */
function withSignatures(key: JsonObject, signatures: readonly KeySignatureRow[]): JsonObject {
  if (signatures.length === 0) return key;
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [signer, sigs] of Object.entries((key.signatures ?? {}) as Record<string, Record<string, unknown>>))
    merged[signer] = { ...sigs };
  for (const s of signatures) merged[s.origin_user_id] = { ...merged[s.origin_user_id], [s.origin_key_id]: s.signature };
  return { ...key, signatures: merged };
}

/** Device, one-time, fallback and cross-signing keys of local users (api/keys.ts). */
export class Keys implements KeysApi {
  private readonly crossSigning: CrossSigning;

  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
    private readonly deviceLists: DeviceListChanges,
  ) {
    this.crossSigning = new CrossSigning(db, users, deviceLists);
  }

  async uploadKeys(userId: string, deviceId: string, upload: KeysUpload): Promise<KeyCounts> {
    const localpart = this.users.localpart(userId);
    const newDeviceKeys = upload.deviceKeys === undefined ? null : checkDeviceKeys(upload.deviceKeys, userId, deviceId);
    const { counts, deviceKeysChanged } = await this.db.transaction(async (tx) => {
      const storedJson = await selectDeviceKeyJson(tx, localpart, deviceId);
      let deviceKeysChanged = false;
      if (newDeviceKeys) {
        const json = canonicalText(newDeviceKeys.stored);
        if (storedJson !== null && storedJson !== json) {
          // A device's identity keys never change: a different set is another device
          // claiming this one's ID (or a client bug), and clients would stop trusting it.
          if (canonicalText((JSON.parse(storedJson) as { keys: unknown }).keys) !== canonicalText(newDeviceKeys.stored.keys)) {
            throw new UserApiError("INVALID_PARAM", `device ${deviceId} already has other device keys; log in as a new device instead`);
          }
        }
        if (storedJson !== json) {
          // Signatures on keys an earlier device of this ID had are not for these.
          if (storedJson === null) await deleteSignaturesOfTarget(tx, userId, deviceId);
          await upsertDeviceKeys(tx, localpart, deviceId, json);
          deviceKeysChanged = true;
        }
      }
      const ed25519Key = newDeviceKeys?.ed25519Key ?? (storedJson === null ? null : storedSigningKey(storedJson, deviceId));
      if (upload.oneTimeKeys !== undefined) {
        await this.storeOneTimeKeys(
          tx,
          localpart,
          deviceId,
          checkKeyMap(upload.oneTimeKeys, "one_time_keys", userId, deviceId, ed25519Key),
        );
      }
      if (upload.fallbackKeys !== undefined) {
        const fallback = checkKeyMap(upload.fallbackKeys, "fallback_keys", userId, deviceId, ed25519Key);
        const algorithms = fallback.map((k) => k.algorithm);
        if (new Set(algorithms).size !== algorithms.length)
          throw new UserApiError("INVALID_PARAM", "fallback_keys may hold one key per algorithm");
        for (const k of fallback) await upsertFallbackKey(tx, localpart, deviceId, k.algorithm, k.keyId, k.json);
      }
      return { counts: await this.countsIn(tx, localpart, deviceId), deviceKeysChanged };
    });
    if (deviceKeysChanged) await this.deviceLists.changed(userId, deviceId);
    // New one-time or fallback keys change the counts every /sync reports, which readers keep.
    else if (upload.oneTimeKeys !== undefined || upload.fallbackKeys !== undefined)
      await this.deviceLists.keyCountsChanged(userId, deviceId);
    return counts;
  }

  /** Adds new keys; a key ID already stored must hold the same key. */
  private async storeOneTimeKeys(tx: Queryable, localpart: string, deviceId: string, keys: readonly CheckedKey[]): Promise<void> {
    const existing = await selectOneTimeKeys(
      tx,
      localpart,
      deviceId,
      keys.map((k) => `${k.algorithm}:${k.keyId}`),
    );
    const stored = new Map(existing.map((r) => [`${r.algorithm}:${r.key_id}`, r.key_json]));
    for (const k of keys) {
      const before = stored.get(`${k.algorithm}:${k.keyId}`);
      if (before !== undefined && before !== k.json) {
        throw new UserApiError("INVALID_PARAM", `one-time key ${k.algorithm}:${k.keyId} already exists with another key`);
      }
    }
    await insertOneTimeKeys(
      tx,
      localpart,
      deviceId,
      keys.map((k) => ({ algorithm: k.algorithm, key_id: k.keyId, key_json: k.json })),
    );
  }

  async queryKeys(users: readonly UserDevicesQuery[], requestingUserId: string | null): Promise<KeysQueryResult> {
    const wanted = new Map<string, { userId: string; deviceIds: ReadonlySet<string> | null }>();
    for (const { userId, deviceIds } of users) {
      const localpart = this.users.tryLocalpart(userId);
      if (localpart !== null) wanted.set(localpart, { userId, deviceIds: deviceIds.length === 0 ? null : new Set(deviceIds) });
    }
    const localparts = [...wanted.keys()];
    const [rows, crossRows, signatureRows] = await Promise.all([
      selectDeviceKeysOfUsers(this.db, localparts),
      selectCrossSigningKeys(this.db, localparts),
      selectKeySignatures(
        this.db,
        [...wanted.values()].map((w) => w.userId),
        requestingUserId,
      ),
    ]);
    const signaturesOf = (userId: string, keyId: string) =>
      signatureRows.filter((r) => r.target_user_id === userId && r.target_key_id === keyId);

    const deviceKeys: DeviceKeys[] = [];
    for (const row of rows) {
      const { userId, deviceIds } = wanted.get(row.localpart)!;
      if (deviceIds && !deviceIds.has(row.device_id)) continue;
      const keys = withSignatures(JSON.parse(row.key_json) as JsonObject, signaturesOf(userId, row.device_id));
      if (row.display_name !== null) keys.unsigned = { device_display_name: row.display_name };
      deviceKeys.push({ userId, deviceId: row.device_id, keys });
    }
    const crossSigningKeys: CrossSigningKey[] = [];
    for (const row of crossRows) {
      const { userId } = wanted.get(row.localpart)!;
      // A user-signing key is for its owner's devices alone (spec: /keys/query).
      if (row.key_type === "user_signing" && userId !== requestingUserId) continue;
      const key = withSignatures(JSON.parse(row.key_json) as JsonObject, signaturesOf(userId, publicKeyOf(row.key_json)));
      crossSigningKeys.push({ userId, type: row.key_type, key });
    }
    return { deviceKeys, crossSigningKeys };
  }

  async claimKeys(claims: readonly KeyClaim[]): Promise<ClaimedKey[]> {
    const local = claims.flatMap((c) => {
      const localpart = this.users.tryLocalpart(c.userId);
      return localpart === null ? [] : [{ ...c, localpart }];
    });
    const claimed = await this.db.transaction(async (tx) => {
      const oneTime = await claimOneTimeKeys(tx, local);
      const got = new Set(oneTime.map((r) => `${r.localpart}\u0000${r.device_id}\u0000${r.algorithm}`));
      const fallback = await claimFallbackKeys(
        tx,
        local.filter((c) => !got.has(`${c.localpart}\u0000${c.deviceId}\u0000${c.algorithm}`)),
      );
      return [...oneTime, ...fallback];
    });
    const result = claimed.map((r) => ({
      userId: this.users.userId(r.localpart),
      deviceId: r.device_id,
      keyId: `${r.algorithm}:${r.key_id}`,
      key: JSON.parse(r.key_json) as unknown,
    }));
    // The devices' owners see their new counts on their next sync (and their syncs wake).
    await Promise.all(result.map((k) => this.deviceLists.keyCountsChanged(k.userId, k.deviceId)));
    return result;
  }

  async keyCounts(userId: string, deviceId: string): Promise<KeyCounts> {
    const localpart = this.users.tryLocalpart(userId);
    if (localpart === null) return { oneTimeKeyCounts: {}, unusedFallbackKeyTypes: [] };
    return this.countsIn(this.db, localpart, deviceId);
  }

  uploadCrossSigningKeys(userId: string, upload: CrossSigningUpload, authenticated: boolean): Promise<{ stored: boolean }> {
    return this.crossSigning.uploadKeys(userId, upload, authenticated);
  }

  uploadSignatures(userId: string, signed: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<SignatureFailure[]> {
    return this.crossSigning.uploadSignatures(userId, signed);
  }

  private async countsIn(q: Queryable, localpart: string, deviceId: string): Promise<KeyCounts> {
    // signed_curve25519 is always listed, as Synapse does: older clients read a missing count
    // as "unknown" rather than zero and never upload.
    const oneTimeKeyCounts = { signed_curve25519: 0, ...(await countOneTimeKeys(q, localpart, deviceId)) };
    return { oneTimeKeyCounts, unusedFallbackKeyTypes: await selectUnusedFallbackAlgorithms(q, localpart, deviceId) };
  }
}
