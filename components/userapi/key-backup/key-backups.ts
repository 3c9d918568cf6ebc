import { createHash } from "node:crypto";
import type { Database, Queryable } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import { UserApiError } from "../api/errors.js";
import type { BackedUpKey, BackupKeyScope, BackupKeysState, BackupVersion, KeyBackupApi, PutBackupKeysResult } from "../api/key-backup.js";
import {
  countBackupKeys,
  deleteBackupKeys,
  selectBackupKeys,
  selectBackupKeysOfSessions,
  upsertBackupKeys,
} from "../storage/key-backup-keys.js";
import {
  bumpBackupEtag,
  insertBackupVersion,
  markBackupVersionDeleted,
  selectBackupVersion,
  selectCurrentBackupVersion,
  updateBackupAuthData,
  type BackupVersionRow,
} from "../storage/key-backup-versions.js";
import { replacesStoredKey } from "./replacement.js";

/** Version numbers as stored; any other text names no version (so it is "not found", never a bad request). */
function versionNumber(version: string): number | null {
  return /^[1-9][0-9]{0,14}$/.test(version) ? Number(version) : null;
}

const unknownVersion = (version: string) => new UserApiError("NOT_FOUND", `Unknown backup version ${JSON.stringify(version)}`);

/**
 * Every change of a user's backups runs under one lock per user: version numbers come from
 * the highest so far, and an upload must not land in a version being deleted or superseded.
 * The key is a digest because localparts hold characters an advisory-lock key may not.
 */
function userLock(localpart: string): string {
  return `key_backup_${createHash("sha256").update(localpart).digest("hex").slice(0, 24)}`;
}

/** Key backups of local users over the userapi's tables. */
export class KeyBackups implements KeyBackupApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
  ) {}

  async createVersion(userId: string, algorithm: string, authData: Record<string, unknown>): Promise<string> {
    const localpart = this.users.localpart(userId);
    const version = await this.db.transaction((tx) => insertBackupVersion(tx, localpart, algorithm, authData), {
      advisoryLock: userLock(localpart),
    });
    return String(version);
  }

  async getVersion(userId: string, version?: string): Promise<BackupVersion | null> {
    const localpart = this.users.localpart(userId);
    const row =
      version === undefined ? await selectCurrentBackupVersion(this.db, localpart) : await this.liveVersion(this.db, localpart, version);
    if (!row) return null;
    return {
      version: String(row.version),
      algorithm: row.algorithm,
      authData: row.authData,
      count: await countBackupKeys(this.db, localpart, row.version),
      etag: String(row.etag),
    };
  }

  async updateVersion(userId: string, version: string, algorithm: string, authData: Record<string, unknown>): Promise<void> {
    const localpart = this.users.localpart(userId);
    await this.locked(localpart, async (tx) => {
      const row = await this.liveVersion(tx, localpart, version);
      if (!row) throw unknownVersion(version);
      if (row.algorithm !== algorithm) {
        throw new UserApiError("INVALID_PARAM", `Algorithm does not match: version ${version} uses ${row.algorithm}`);
      }
      await updateBackupAuthData(tx, localpart, row.version, authData);
    });
  }

  async deleteVersion(userId: string, version: string): Promise<void> {
    const localpart = this.users.localpart(userId);
    await this.locked(localpart, async (tx) => {
      const number = versionNumber(version);
      const row = number === null ? null : await selectBackupVersion(tx, localpart, number);
      if (!row) throw unknownVersion(version);
      if (row.deleted) return; // the spec: deleting it again succeeds
      await deleteBackupKeys(tx, localpart, row.version, {});
      await markBackupVersionDeleted(tx, localpart, row.version);
    });
  }

  async putKeys(userId: string, version: string, keys: readonly BackedUpKey[]): Promise<PutBackupKeysResult> {
    const localpart = this.users.localpart(userId);
    return this.locked(localpart, async (tx) => {
      const current = await selectCurrentBackupVersion(tx, localpart);
      if (!current) throw new UserApiError("NOT_FOUND", "No backup version exists");
      if (String(current.version) !== version) return { currentVersion: String(current.version) };
      const stored = new Map(
        (await selectBackupKeysOfSessions(tx, localpart, current.version, keys)).map((k) => [sessionKey(k.roomId, k.sessionId), k]),
      );
      const winners = keys.filter((key) => {
        const existing = stored.get(sessionKey(key.roomId, key.sessionId));
        return !existing || replacesStoredKey(key, existing);
      });
      await upsertBackupKeys(tx, localpart, current.version, winners);
      const etag = winners.length > 0 ? await bumpBackupEtag(tx, localpart, current.version) : current.etag;
      return { stored: { count: await countBackupKeys(tx, localpart, current.version), etag: String(etag) } };
    });
  }

  async getKeys(userId: string, version: string, scope: BackupKeyScope): Promise<BackedUpKey[]> {
    const localpart = this.users.localpart(userId);
    const row = await this.liveVersion(this.db, localpart, version);
    if (!row) throw unknownVersion(version);
    return selectBackupKeys(this.db, localpart, row.version, scope);
  }

  async deleteKeys(userId: string, version: string, scope: BackupKeyScope): Promise<BackupKeysState> {
    const localpart = this.users.localpart(userId);
    return this.locked(localpart, async (tx) => {
      const row = await this.liveVersion(tx, localpart, version);
      if (!row) throw unknownVersion(version);
      const deleted = await deleteBackupKeys(tx, localpart, row.version, scope);
      const etag = deleted > 0 ? await bumpBackupEtag(tx, localpart, row.version) : row.etag;
      return { count: await countBackupKeys(tx, localpart, row.version), etag: String(etag) };
    });
  }

  /** The version if it exists and was not deleted. */
  private async liveVersion(q: Queryable, localpart: string, version: string): Promise<BackupVersionRow | null> {
    const number = versionNumber(version);
    const row = number === null ? null : await selectBackupVersion(q, localpart, number);
    return row && !row.deleted ? row : null;
  }

  private locked<T>(localpart: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(work, { advisoryLock: userLock(localpart) });
  }
}

const sessionKey = (roomId: string, sessionId: string) => JSON.stringify([roomId, sessionId]);
