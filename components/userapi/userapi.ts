import type { Component, ComponentDeps } from "../internal/component.js";
import type { EventLog, Subscription } from "../internal/eventlog/eventlog.js";
import { AccountData } from "./user-data/account-data.js";
import { Accounts } from "./accounts/accounts.js";
import type { UserApi } from "./api/userapi.js";
import { AuthSessions } from "./accounts/auth-sessions.js";
import { Devices } from "./devices/devices.js";
import { userApiServices } from "./grpc/server.js";
import { LocalUsers } from "./accounts/local-users.js";
import { PasswordAttempts } from "./accounts/password-attempts.js";
import { Profiles } from "./user-data/profiles.js";
import { PushRules } from "./push-rules/push-rules.js";
import { UserStorage } from "./storage/storage.js";
import { TokenCache } from "./devices/token-cache.js";
import { TokenRevocations } from "./devices/token-revocations.js";
import { followRevocations } from "./consumers/token-revocations.js";
import { TokenRevocationProducer } from "./producers/token-revocations.js";
import { DeviceListChanges } from "./producers/device-list-changes.js";
import { UserAuth } from "./devices/user-auth.js";

/**
 * The userapi's logic over its own storage: what runs in the process that owns the tables.
 * `cache` serves nothing until it follows the revocations (`createUserApi` has it do so);
 * `log` is where revocations and device-list changes are announced, null in the CLI, which
 * revokes no tokens;
 * `attempts` counts wrong passwords per account, null where nobody guesses or limits are off.
 */
export function createLocalUserApi(
  storage: UserStorage,
  serverName: string,
  cache = new TokenCache(),
  log: EventLog | null = null,
  attempts: PasswordAttempts | null = null,
): UserApi {
  const users = new LocalUsers(serverName);
  const revocations = new TokenRevocations(cache, log && new TokenRevocationProducer(log));
  return {
    auth: new UserAuth(storage, users, cache),
    accounts: new Accounts(storage, users, revocations, attempts),
    devices: new Devices(storage, users, revocations, new DeviceListChanges(log)),
    sessions: new AuthSessions(storage),
    profiles: new Profiles(storage, users),
    accountData: new AccountData(storage, users),
    pushRules: new PushRules(storage, users),
  };
}

/** Accounts, devices, access tokens, profiles, account data, filters and push rules. */
export function createUserApi(deps: ComponentDeps): Component & { api: UserApi } {
  const storage = new UserStorage(deps.db);
  const cache = new TokenCache();
  const attempts = deps.config.rate_limit.enabled ? new PasswordAttempts() : null;
  const api = createLocalUserApi(storage, deps.config.server_name, cache, deps.log, attempts);
  let revocations: Subscription | null = null;
  return {
    name: "userapi",
    api,
    grpcServices: userApiServices(api),
    async start() {
      await storage.migrate();
      // Other replicas of the userapi revoke tokens too.
      revocations = await followRevocations(deps.log, cache);
    },
    async stop() {
      await revocations?.stop();
    },
  };
}
