import type { Database, Queryable } from "../../internal/database/database.js";
import { UserApiError } from "../api/errors.js";
import type { Account, AccountsApi, CreateAccountRequest } from "../api/userapi.js";
import type { TokenRevocations } from "../devices/token-revocations.js";
import type { DeviceListChanges } from "../producers/device-list-changes.js";
import {
  accountExists,
  insertAccount,
  markAccountDeactivated,
  nextGeneratedLocalpart,
  selectAccount,
  selectAdminsAmong,
  selectGuestsAmong,
  updatePasswordHash,
  upgradeGuestAccount,
  type AccountRow,
} from "../storage/accounts.js";
import { selectSessionPasswordHash } from "../storage/auth-sessions.js";
import { deleteDevices } from "../storage/devices.js";
import { upsertProfile } from "../storage/profiles.js";
import { notBefore } from "./auth-sessions.js";
import type { LocalUsers } from "./local-users.js";
import type { PasswordAttempts } from "./password-attempts.js";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "./passwords.js";

/** Accounts and their passwords. */
export class Accounts implements AccountsApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
    private readonly revocations: TokenRevocations,
    /** Logging devices out (with their keys) changes the user's device list. */
    private readonly deviceLists: DeviceListChanges,
    /** Failed checks per account; null where nobody guesses (the CLI) or limits are off. */
    private readonly attempts: PasswordAttempts | null,
  ) {}

  private toAccount(row: AccountRow): Account {
    return { userId: this.users.userId(row.localpart), localpart: row.localpart, accountType: row.account_type, createdTs: row.created_ts };
  }

  async createAccount(request: CreateAccountRequest): Promise<Account> {
    if (request.localpart !== undefined) {
      const problem = this.users.localpartProblem(request.localpart);
      if (problem) throw new UserApiError("INVALID_USERNAME", problem);
    }
    // Hash before the transaction: it takes tens of milliseconds and needs no lock.
    const passwordHash = request.password !== undefined ? await hashPassword(request.password) : await this.sessionPassword(request);
    const now = Date.now();
    const localpart = await this.db.transaction(async (tx) => {
      const chosen = request.localpart ?? (await freeGeneratedLocalpart(tx));
      if (!(await insertAccount(tx, chosen, passwordHash, request.accountType, now))) {
        throw new UserApiError("USER_IN_USE", "Desired user ID is already taken.");
      }
      // Like Synapse and Dendrite, a new user is shown by their localpart until they pick a name.
      await upsertProfile(tx, chosen, { displayname: request.displayName ?? chosen });
      return chosen;
    });
    return { userId: this.users.userId(localpart), localpart, accountType: request.accountType, createdTs: now };
  }

  /** The hash of the password a UIA session kept for the request; null when it names none. */
  private async sessionPassword(request: { passwordOfSession?: string }): Promise<string | null> {
    if (request.passwordOfSession === undefined) return null;
    const hash = await selectSessionPasswordHash(this.db, request.passwordOfSession, notBefore());
    if (hash === null) throw new UserApiError("NOT_FOUND", "The auth session holds no password");
    return hash;
  }

  async guestsAmong(userIds: readonly string[]): Promise<string[]> {
    const localparts = userIds.flatMap((id) => this.users.tryLocalpart(id) ?? []);
    return (await selectGuestsAmong(this.db, localparts)).map((l) => this.users.userId(l));
  }

  async adminsAmong(userIds: readonly string[]): Promise<string[]> {
    const localparts = userIds.flatMap((id) => this.users.tryLocalpart(id) ?? []);
    return (await selectAdminsAmong(this.db, localparts)).map((l) => this.users.userId(l));
  }

  async upgradeGuest(request: { userId: string; password?: string; passwordOfSession?: string }): Promise<Account> {
    const localpart = this.users.localpart(request.userId);
    const hash = request.password !== undefined ? await hashPassword(request.password) : await this.sessionPassword(request);
    if (hash === null) throw new UserApiError("NOT_FOUND", "No password to give the account");
    if (!(await upgradeGuestAccount(this.db, localpart, hash)))
      throw new UserApiError("NOT_FOUND", `${request.userId} is not a guest account`);
    const row = await selectAccount(this.db, localpart);
    return this.toAccount(row!);
  }

  async isLocalpartAvailable(localpart: string): Promise<boolean> {
    return !(await accountExists(this.db, localpart));
  }

  async checkPassword(localpart: string, password: string): Promise<Account> {
    return this.attempts
      ? this.attempts.check(localpart, () => this.verifyPassword(localpart, password))
      : this.verifyPassword(localpart, password);
  }

  private async verifyPassword(localpart: string, password: string): Promise<Account> {
    const row = await selectAccount(this.db, localpart);
    if (row?.deactivated) throw new UserApiError("USER_DEACTIVATED", "This account has been deactivated");
    const ok = row?.password_hash ? await verifyPassword(password, row.password_hash) : await verifyAgainstNothing(password);
    if (!ok || !row) throw new UserApiError("FORBIDDEN", "Invalid username or password");
    return this.toAccount(row);
  }

  async setPassword(userId: string, password: string, options: { logoutDevices: boolean; keepDeviceId?: string }): Promise<void> {
    const localpart = this.users.localpart(userId);
    const hash = await hashPassword(password);
    const revoked = await this.db.transaction(async (tx) => {
      if (!(await updatePasswordHash(tx, localpart, hash))) throw new UserApiError("NOT_FOUND", `no account ${userId}`);
      return options.logoutDevices ? deleteDevices(tx, localpart, null, options.keepDeviceId ?? null) : [];
    });
    await this.revocations.revoke(userId, revoked);
    if (revoked.length > 0) await this.deviceLists.changed(userId, "", true);
  }

  async deactivateAccount(userId: string): Promise<void> {
    const localpart = this.users.localpart(userId);
    const revoked = await this.db.transaction(async (tx) => {
      if (!(await accountExists(tx, localpart))) throw new UserApiError("NOT_FOUND", `no account ${userId}`);
      await markAccountDeactivated(tx, localpart);
      // Synapse too clears the profile: a deactivated user should not keep showing a name and avatar.
      await upsertProfile(tx, localpart, {});
      return deleteDevices(tx, localpart, null);
    });
    await this.revocations.revoke(userId, revoked);
    if (revoked.length > 0) await this.deviceLists.changed(userId, "", true);
  }
}

/** The next numeric localpart nobody has taken by registering that number as a name. */
async function freeGeneratedLocalpart(tx: Queryable): Promise<string> {
  for (;;) {
    const candidate = await nextGeneratedLocalpart(tx);
    if (!(await accountExists(tx, candidate))) return candidate;
  }
}
