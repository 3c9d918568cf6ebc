import type { BackedUpKey, BackupVersion } from "../api/key-backup.js";
import type {
  BackedUpKey as BackedUpKeyMessage,
  BackupVersion as BackupVersionMessage,
} from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import { parseJsonObject } from "./convert.js";

/** Conversions between the key backup's api/ types and their proto messages, used by both adapters. */

export function backupVersionToMessage({ authData, ...rest }: BackupVersion): BackupVersionMessage {
  return { ...rest, authDataJson: JSON.stringify(authData) };
}

export function backupVersionFromMessage({ authDataJson, ...rest }: BackupVersionMessage): BackupVersion {
  return { ...rest, authData: parseJsonObject(authDataJson) };
}

export function backedUpKeyToMessage({ sessionData, ...rest }: BackedUpKey): BackedUpKeyMessage {
  return { ...rest, sessionDataJson: JSON.stringify(sessionData) };
}

export function backedUpKeyFromMessage({ sessionDataJson, ...rest }: BackedUpKeyMessage): BackedUpKey {
  return { ...rest, sessionData: parseJsonObject(sessionDataJson) };
}
