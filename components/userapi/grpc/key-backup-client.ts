import { createGrpcClient } from "../../internal/grpc/client.js";
import { KeyBackupClient, type KeyBackupServer } from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type { KeyBackupApi } from "../api/key-backup.js";
import { caller } from "./caller.js";
import { backedUpKeyFromMessage, backedUpKeyToMessage, backupVersionFromMessage } from "./key-backup-convert.js";

/** The KeyBackupApi of a userapi in another process, over its KeyBackup service. */
export function createKeyBackupClient(address: string, secret: string): KeyBackupApi {
  const call = caller<KeyBackupServer>(createGrpcClient(KeyBackupClient, address, { secret }));
  return {
    createVersion: async (userId, algorithm, authData) =>
      (await call("createBackupVersion", { userId, algorithm, authDataJson: JSON.stringify(authData) })).version,
    async getVersion(userId, version) {
      const { backup } = await call("getBackupVersion", { userId, version });
      return backup ? backupVersionFromMessage(backup) : null;
    },
    async updateVersion(userId, version, algorithm, authData) {
      await call("updateBackupVersion", { userId, version, algorithm, authDataJson: JSON.stringify(authData) });
    },
    async deleteVersion(userId, version) {
      await call("deleteBackupVersion", { userId, version });
    },
    async putKeys(userId, version, keys) {
      const r = await call("putBackupKeys", { userId, version, keys: keys.map(backedUpKeyToMessage) });
      return r.currentVersion !== undefined ? { currentVersion: r.currentVersion } : { stored: { count: r.count, etag: r.etag } };
    },
    getKeys: async (userId, version, { roomId, sessionId }) =>
      (await call("getBackupKeys", { userId, version, roomId, sessionId })).keys.map(backedUpKeyFromMessage),
    deleteKeys: (userId, version, { roomId, sessionId }) => call("deleteBackupKeys", { userId, version, roomId, sessionId }),
  };
}
