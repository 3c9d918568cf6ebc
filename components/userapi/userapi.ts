import type { Component, ComponentDeps } from "../internal/component.js";
import type { Database } from "../internal/database/database.js";
import { migrate } from "../internal/database/migrations.js";
import type { EventLog, Subscription } from "../internal/eventlog/eventlog.js";
import { Accounts } from "./accounts/accounts.js";
import { AuthSessions } from "./accounts/auth-sessions.js";
import { LocalUsers } from "./accounts/local-users.js";
import { PasswordAttempts } from "./accounts/password-attempts.js";
import type { UserApi } from "./api/userapi.js";
import { Keys } from "./keys/keys.js";
import { followRevocations } from "./consumers/token-revocations.js";
import { Devices } from "./devices/devices.js";
import { TokenCache } from "./devices/token-cache.js";
import { TokenRevocations } from "./devices/token-revocations.js";
import { UserAuth } from "./devices/user-auth.js";
import { userApiServices } from "./grpc/server.js";
import { DeviceListChanges } from "./producers/device-list-changes.js";
import { TokenRevocationProducer } from "./producers/token-revocations.js";
import { PushRules } from "./push-rules/push-rules.js";
import { KeyBackups } from "./key-backup/key-backups.js";
import { USERAPI_MIGRATIONS } from "./storage/migrations.js";
import { AccountData } from "./user-data/account-data.js";
import { Profiles } from "./user-data/profiles.js";

/**
 * The userapi's logic over its own storage: what runs in the process that owns the tables.
 * `cache` serves nothing until it follows the revocations (`createUserApi` has it do so);
 * `log` is where revocations and device-list changes are announced, null in the CLI, which
 * revokes no tokens;
 * `attempts` counts wrong passwords per account, null where nobody guesses or limits are off.
 */
export function createLocalUserApi(
  db: Database,
  serverName: string,
  cache = new TokenCache(),
  log: EventLog | null = null,
  attempts: PasswordAttempts | null = null,
): UserApi {
  const users = new LocalUsers(serverName);
  const revocations = new TokenRevocations(cache, log && new TokenRevocationProducer(log));
  const deviceLists = new DeviceListChanges(log);
  return {
    auth: new UserAuth(db, users, cache),
    accounts: new Accounts(db, users, revocations, deviceLists, attempts),
    devices: new Devices(db, users, revocations, deviceLists),
    sessions: new AuthSessions(db),
    profiles: new Profiles(db, users),
    accountData: new AccountData(db, users),
    pushRules: new PushRules(db, users),
    keyBackup: new KeyBackups(db, users),
    keys: new Keys(db, users, deviceLists),
  };
}

/** Accounts, devices, access tokens, profiles, account data, filters, push rules and E2EE keys. */
export function createUserApi(deps: ComponentDeps): Component & { api: UserApi } {
  const cache = new TokenCache();
  const attempts = deps.config.rate_limit.enabled ? new PasswordAttempts() : null;
  const api = createLocalUserApi(deps.db, deps.config.server_name, cache, deps.log, attempts);
  let revocations: Subscription | null = null;
  return {
    name: "userapi",
    api,
    grpcServices: userApiServices(api),
    async start() {
      await migrate(deps.db, "userapi", USERAPI_MIGRATIONS);
      // Other replicas of the userapi revoke tokens too.
      revocations = await followRevocations(deps.log, cache);
    },
    async stop() {
      await revocations?.stop();
    },
  };
}
