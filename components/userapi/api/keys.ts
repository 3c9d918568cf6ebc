/**
 * End-to-end encryption keys as the userapi's callers see them. Key objects are JSON the
 * clients sign and read; the server checks and stores them but never looks inside beyond
 * what the checks need, so they travel as plain JSON values.
 */

export type JsonObject = Record<string, unknown>;

/** What one device uploads in one POST /keys/upload; every part may be absent. */
export interface KeysUpload {
  /** The signed device keys object (`user_id`, `device_id`, `algorithms`, `keys`, `signatures`). */
  readonly deviceKeys?: JsonObject;
  /** `<algorithm>:<key_id>` to the key: a string, or a signed key object. */
  readonly oneTimeKeys?: JsonObject;
  /** As `oneTimeKeys`, at most one per algorithm. */
  readonly fallbackKeys?: JsonObject;
}

/** What a device holds on the server: its unclaimed one-time keys and unused fallback keys. */
export interface KeyCounts {
  /** Algorithm to the number of unclaimed one-time keys; algorithms with none are absent. */
  readonly oneTimeKeyCounts: Record<string, number>;
  readonly unusedFallbackKeyTypes: string[];
}

/** The devices of one user to query: `deviceIds` empty means all of them. */
export interface UserDevicesQuery {
  readonly userId: string;
  readonly deviceIds: readonly string[];
}

/** One device's keys as /keys/query serves them, `unsigned.device_display_name` added. */
export interface DeviceKeys {
  readonly userId: string;
  readonly deviceId: string;
  readonly keys: JsonObject;
}

export type CrossSigningKeyType = "master" | "self_signing" | "user_signing";
export const CROSS_SIGNING_KEY_TYPES: readonly CrossSigningKeyType[] = ["master", "self_signing", "user_signing"];

/** A user's cross-signing key as /keys/query serves it, uploaded signatures merged in. */
export interface CrossSigningKey {
  readonly userId: string;
  readonly type: CrossSigningKeyType;
  readonly key: JsonObject;
}

export interface KeysQueryResult {
  readonly deviceKeys: DeviceKeys[];
  /** Master and self-signing keys; user-signing keys only of the requesting user. */
  readonly crossSigningKeys: CrossSigningKey[];
}

/** What one POST /keys/device_signing/upload carries. */
export type CrossSigningUpload = Partial<Record<CrossSigningKeyType, JsonObject>>;

/** A signature of POST /keys/signatures/upload that was not stored, and why. */
export interface SignatureFailure {
  readonly userId: string;
  readonly keyId: string;
  readonly code: "INVALID_SIGNATURE" | "NOT_FOUND" | "INVALID_PARAM";
  readonly message: string;
}

export interface KeyClaim {
  readonly userId: string;
  readonly deviceId: string;
  readonly algorithm: string;
}

/** A claimed key: a one-time key, or the device's fallback key when none was left. */
export interface ClaimedKey {
  readonly userId: string;
  readonly deviceId: string;
  /** `<algorithm>:<key_id>`. */
  readonly keyId: string;
  readonly key: unknown;
}

/**
 * Device, one-time and fallback keys of this server's users. Remote users are not its
 * business: callers send their requests to the federation API and merge the answers, and
 * the federation API serves other servers' /user/keys/query and /user/keys/claim from here.
 */
export interface KeysApi {
  /**
   * Stores what a device uploads, after checking it belongs to the device and carries the
   * device's own signatures. Throws BAD_JSON (malformed), INVALID_PARAM (wrong user or
   * device, bad signature, device keys or a one-time key ID already stored with other content).
   */
  uploadKeys(userId: string, deviceId: string, upload: KeysUpload): Promise<KeyCounts>;
  /**
   * Device and cross-signing keys of local users; users and devices without keys are absent.
   * `requestingUserId` also gets their own user-signing key and the signatures they made on
   * others' keys; null (another server asking) gets neither.
   */
  queryKeys(users: readonly UserDevicesQuery[], requestingUserId: string | null): Promise<KeysQueryResult>;
  /**
   * One key per claim, each handed out once: a one-time key if any is left, else the
   * fallback key (marked used, still given out). Claims that find nothing are absent.
   */
  claimKeys(claims: readonly KeyClaim[]): Promise<ClaimedKey[]>;
  keyCounts(userId: string, deviceId: string): Promise<KeyCounts>;
  /**
   * Stores the user's cross-signing keys after checking them (self-signing and user-signing
   * keys signed by the master key). Unless `authenticated`, stores only when nothing stored
   * would change but for a first upload, and answers `stored: false` otherwise: the caller then
   * asks the user for their password and calls again. Throws BAD_JSON, INVALID_PARAM,
   * INVALID_SIGNATURE, MISSING_PARAM (no master key to check against), FORBIDDEN (a public
   * key that is one of the user's device IDs).
   */
  uploadCrossSigningKeys(userId: string, upload: CrossSigningUpload, authenticated: boolean): Promise<{ stored: boolean }>;
  /**
   * Stores the signatures `userId` made: on their own devices with their self-signing key,
   * on their master key with a device's key, on other users' master keys with their
   * user-signing key. `signed` maps user ID to key ID (a device ID or a cross-signing public
   * key) to the signed object. Returns the signatures it refused.
   */
  uploadSignatures(userId: string, signed: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<SignatureFailure[]>;
}
