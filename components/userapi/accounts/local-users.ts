import { isValidUserId, MAX_ID_BYTES } from "../../protocol/index.js";
import { UserApiError } from "../api/errors.js";

/**
 * Turns user IDs into the localparts the tables are keyed by, and back. Only users of this
 * server have accounts, so a foreign or malformed ID is "not found" here.
 */
export class LocalUsers {
  constructor(readonly serverName: string) {}

  userId(localpart: string): string {
    return `@${localpart}:${this.serverName}`;
  }

  /** The localpart of a local user ID, or null when the ID is not one of ours. */
  tryLocalpart(userId: string): string | null {
    const suffix = `:${this.serverName}`;
    if (!userId.startsWith("@") || !userId.endsWith(suffix)) return null;
    return userId.slice(1, -suffix.length);
  }

  localpart(userId: string): string {
    const localpart = this.tryLocalpart(userId);
    if (localpart === null) throw new UserApiError("NOT_FOUND", `${userId} is not a user of this server`);
    return localpart;
  }

  /** Why `localpart` cannot be registered, or null: the current user ID grammar, 255 bytes in all. */
  localpartProblem(localpart: string): string | null {
    const userId = this.userId(localpart);
    if (!isValidUserId(userId)) return "user names may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'";
    if (Buffer.byteLength(userId) > MAX_ID_BYTES) return `the user ID would be longer than ${MAX_ID_BYTES} bytes`;
    return null;
  }
}
