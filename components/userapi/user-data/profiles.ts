import type { Database } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import { UserApiError } from "../api/errors.js";
import type { Profile, ProfilesApi } from "../api/userapi.js";
import { accountExists, selectAccount } from "../storage/accounts.js";
import { selectProfile, selectProfileForUpdate, upsertProfile } from "../storage/profiles.js";

/** The spec's limit on a whole profile ("the total profile MUST be under 64 KiB"). */
export const MAX_PROFILE_BYTES = 64 * 1024;

/**
 * Profiles of local users. Changing `displayname` or `avatar_url` must also update the
 * user's member event in every joined room; that is the clientapi's job once it has
 * changed the profile here (see clientapi/routing/profile.ts).
 */
export class Profiles implements ProfilesApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
  ) {}

  /** A deactivated account has no profile any more: it reads as no user at all. */
  async getProfile(userId: string): Promise<Profile | null> {
    const localpart = this.users.tryLocalpart(userId);
    if (localpart === null) return null;
    const account = await selectAccount(this.db, localpart);
    if (!account || account.deactivated) return null;
    return selectProfile(this.db, localpart);
  }

  setProfileField(userId: string, key: string, value: unknown): Promise<void> {
    return this.update(userId, (fields) => ({ ...fields, [key]: value }));
  }

  deleteProfileField(userId: string, key: string): Promise<void> {
    return this.update(userId, ({ [key]: _removed, ...rest }) => rest);
  }

  private async update(userId: string, change: (fields: Profile) => Profile): Promise<void> {
    const localpart = this.users.localpart(userId);
    await this.db.transaction(async (tx) => {
      if (!(await accountExists(tx, localpart))) throw new UserApiError("NOT_FOUND", "Profile not found");
      const fields = change(await selectProfileForUpdate(tx, localpart));
      if (Buffer.byteLength(JSON.stringify(fields)) >= MAX_PROFILE_BYTES) {
        throw new UserApiError("PROFILE_TOO_LARGE", `the profile would exceed ${MAX_PROFILE_BYTES} bytes`);
      }
      await upsertProfile(tx, localpart, fields);
    });
  }
}
