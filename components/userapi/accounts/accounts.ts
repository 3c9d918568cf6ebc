import { UserApiError } from "../api/errors.js";
import { notBefore } from "./auth-sessions.js";
import type { Account, AccountsApi, CreateAccountRequest } from "../api/userapi.js";
import type { LocalUsers } from "./local-users.js";
import type { PasswordAttempts } from "./password-attempts.js";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "./passwords.js";
import type { AccountRow } from "../storage/accounts-table.js";
import type { Tables, UserStorage } from "../storage/storage.js";
import type { TokenRevocations } from "../devices/token-revocations.js";

/** Accounts and their passwords. */
export class Accounts implements AccountsApi {
  constructor(
    private readonly storage: UserStorage,
    private readonly users: LocalUsers,
    private readonly revocations: TokenRevocations,
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
    const localpart = await this.storage.transaction(async (tables) => {
      const chosen = request.localpart ?? (await this.freeGeneratedLocalpart(tables));
      if (!(await tables.accounts.insert(chosen, passwordHash, request.accountType, now))) {
        throw new UserApiError("USER_IN_USE", "Desired user ID is already taken.");
      }
      // Like Synapse and Dendrite, a new user is shown by their localpart until they pick a name.
      await tables.profiles.put(chosen, { displayname: request.displayName ?? chosen });
      return chosen;
    });
    return { userId: this.users.userId(localpart), localpart, accountType: request.accountType, createdTs: now };
  }

  /** The hash of the password a UIA session kept for the request; null when it names none. */
  private async sessionPassword(request: { passwordOfSession?: string }): Promise<string | null> {
    if (request.passwordOfSession === undefined) return null;
    const hash = await this.storage.sessions.passwordHash(request.passwordOfSession, notBefore());
    if (hash === null) throw new UserApiError("NOT_FOUND", "The auth session holds no password");
    return hash;
  }

  /** The next numeric localpart nobody has taken by registering that number as a name. */
  private async freeGeneratedLocalpart(tables: Tables): Promise<string> {
    for (;;) {
      const candidate = await tables.accounts.nextGeneratedLocalpart();
      if (!(await tables.accounts.exists(candidate))) return candidate;
    }
  }

  async guestsAmong(userIds: readonly string[]): Promise<string[]> {
    const localparts = userIds.flatMap((id) => this.users.tryLocalpart(id) ?? []);
    return (await this.storage.accounts.guestsAmong(localparts)).map((l) => this.users.userId(l));
  }

  async upgradeGuest(request: { userId: string; password?: string; passwordOfSession?: string }): Promise<Account> {
    const localpart = this.users.localpart(request.userId);
    const hash = request.password !== undefined ? await hashPassword(request.password) : await this.sessionPassword(request);
    if (hash === null) throw new UserApiError("NOT_FOUND", "No password to give the account");
    if (!(await this.storage.accounts.upgradeGuest(localpart, hash))) throw new UserApiError("NOT_FOUND", `${request.userId} is not a guest account`);
    const row = await this.storage.accounts.get(localpart);
    return this.toAccount(row!);
  }

  async isLocalpartAvailable(localpart: string): Promise<boolean> {
    return !(await this.storage.accounts.exists(localpart));
  }

  async checkPassword(localpart: string, password: string): Promise<Account> {
    return this.attempts ? this.attempts.check(localpart, () => this.verifyPassword(localpart, password)) : this.verifyPassword(localpart, password);
  }

  private async verifyPassword(localpart: string, password: string): Promise<Account> {
    const row = await this.storage.accounts.get(localpart);
    if (row?.deactivated) throw new UserApiError("USER_DEACTIVATED", "This account has been deactivated");
    const ok = row?.password_hash ? await verifyPassword(password, row.password_hash) : await verifyAgainstNothing(password);
    if (!ok || !row) throw new UserApiError("FORBIDDEN", "Invalid username or password");
    return this.toAccount(row);
  }

  async setPassword(userId: string, password: string, options: { logoutDevices: boolean; keepDeviceId?: string }): Promise<void> {
    const localpart = this.users.localpart(userId);
    const hash = await hashPassword(password);
    const revoked = await this.storage.transaction(async (tables) => {
      if (!(await tables.accounts.setPasswordHash(localpart, hash))) throw new UserApiError("NOT_FOUND", `no account ${userId}`);
      return options.logoutDevices ? tables.devices.delete(localpart, null, options.keepDeviceId ?? null) : [];
    });
    await this.revocations.revoke(userId, revoked);
  }

  async deactivateAccount(userId: string): Promise<void> {
    const localpart = this.users.localpart(userId);
    const revoked = await this.storage.transaction(async (tables) => {
      if (!(await tables.accounts.exists(localpart))) throw new UserApiError("NOT_FOUND", `no account ${userId}`);
      await tables.accounts.markDeactivated(localpart);
      // Synapse too clears the profile: a deactivated user should not keep showing a name and avatar.
      await tables.profiles.put(localpart, {});
      return tables.devices.delete(localpart, null);
    });
    await this.revocations.revoke(userId, revoked);
  }
}
