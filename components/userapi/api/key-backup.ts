/**
 * Server-side key backups (the spec's "Server-side key backups"): a user's backup versions,
 * each with its algorithm and `auth_data`, and the encrypted megolm session keys stored in
 * them. The server never reads the keys; it keeps per session the better of two uploads
 * (key-backup/replacement.ts) and tells clients, through `etag`, when the keys changed.
 */

/** One version of a user's backup as clients see it. */
export interface BackupVersion {
  /** Increasing integers as text, never reused, also after a deletion. */
  readonly version: string;
  readonly algorithm: string;
  readonly authData: Record<string, unknown>;
  /** How many session keys the version holds. */
  readonly count: number;
  /** Changes whenever the version's keys change. */
  readonly etag: string;
}

/** What the spec's KeyBackupData holds for one megolm session. */
export interface BackedUpKeyData {
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
  readonly isVerified: boolean;
  /** Algorithm-dependent and encrypted: stored and served as given. */
  readonly sessionData: Record<string, unknown>;
}

/** The key of one megolm session of one room. */
export interface BackedUpKey extends BackedUpKeyData {
  readonly roomId: string;
  readonly sessionId: string;
}

/** Which keys of a version a read or a deletion covers: all, a room's, or one session's (`sessionId` needs `roomId`). */
export interface BackupKeyScope {
  readonly roomId?: string;
  readonly sessionId?: string;
}

/** What a change of a version's keys leaves: the number of keys and the etag after it. */
export interface BackupKeysState {
  readonly count: number;
  readonly etag: string;
}

/**
 * The answer to an upload: the version's state after it, or, when the version named is not
 * the user's current one, the current one (nothing was stored; the client should switch).
 */
export type PutBackupKeysResult = { readonly stored: BackupKeysState } | { readonly currentVersion: string };

export interface KeyBackupApi {
  /** A new version, which becomes the current one; returns its version. */
  createVersion(userId: string, algorithm: string, authData: Record<string, unknown>): Promise<string>;
  /** The version, or the current (latest not deleted) one when `version` is omitted; null when there is none or it was deleted. */
  getVersion(userId: string, version?: string): Promise<BackupVersion | null>;
  /** Replaces `auth_data`. Throws NOT_FOUND (unknown or deleted), INVALID_PARAM (another algorithm). */
  updateVersion(userId: string, version: string, algorithm: string, authData: Record<string, unknown>): Promise<void>;
  /** Deletes the version and its keys; deleting a deleted version again is fine. Throws NOT_FOUND (never existed). */
  deleteVersion(userId: string, version: string): Promise<void>;
  /**
   * Stores keys in the current version, each replacing a stored key of its session only when
   * it is better. Throws NOT_FOUND when the user has no current version.
   */
  putKeys(userId: string, version: string, keys: readonly BackedUpKey[]): Promise<PutBackupKeysResult>;
  /** The version's keys in `scope`. Throws NOT_FOUND (unknown or deleted version). */
  getKeys(userId: string, version: string, scope: BackupKeyScope): Promise<BackedUpKey[]>;
  /** Deletes the version's keys in `scope`. Throws NOT_FOUND (unknown or deleted version). */
  deleteKeys(userId: string, version: string, scope: BackupKeyScope): Promise<BackupKeysState>;
}
