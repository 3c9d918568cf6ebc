import type { ServiceBinding } from "../../internal/grpc/server.js";
import { KeyBackupService, type KeyBackupServer } from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type { KeyBackupApi } from "../api/key-backup.js";
import { parseJsonObject } from "./convert.js";
import { unaryHandler as handle } from "./errors.js";
import { backedUpKeyFromMessage, backedUpKeyToMessage, backupVersionToMessage } from "./key-backup-convert.js";

/** The KeyBackup gRPC service, a thin adapter over the userapi's KeyBackupApi. */
export function keyBackupService(api: KeyBackupApi): ServiceBinding {
  const implementation: KeyBackupServer = {
    createBackupVersion: handle(async ({ userId, algorithm, authDataJson }) => ({
      version: await api.createVersion(userId, algorithm, parseJsonObject(authDataJson)),
    })),
    getBackupVersion: handle(async ({ userId, version }) => {
      const backup = await api.getVersion(userId, version);
      return { backup: backup ? backupVersionToMessage(backup) : undefined };
    }),
    updateBackupVersion: handle(async ({ userId, version, algorithm, authDataJson }) => {
      await api.updateVersion(userId, version, algorithm, parseJsonObject(authDataJson));
      return {};
    }),
    deleteBackupVersion: handle(async ({ userId, version }) => {
      await api.deleteVersion(userId, version);
      return {};
    }),
    putBackupKeys: handle(async ({ userId, version, keys }) => {
      const result = await api.putKeys(userId, version, keys.map(backedUpKeyFromMessage));
      return "currentVersion" in result ? { currentVersion: result.currentVersion, count: 0, etag: "" } : result.stored;
    }),
    getBackupKeys: handle(async ({ userId, version, roomId, sessionId }) => ({
      keys: (await api.getKeys(userId, version, { roomId, sessionId })).map(backedUpKeyToMessage),
    })),
    deleteBackupKeys: handle(({ userId, version, roomId, sessionId }) => api.deleteKeys(userId, version, { roomId, sessionId })),
  };
  return { definition: KeyBackupService, implementation };
}
