import type { Component, ComponentDeps } from "../internal/component.js";
import { AccountData } from "./account-data.js";
import { Accounts } from "./accounts.js";
import type { UserApi } from "./api/userapi.js";
import { AuthSessions } from "./auth-sessions.js";
import { Devices } from "./devices.js";
import { userApiServices } from "./grpc/server.js";
import { LocalUsers } from "./local-users.js";
import { Profiles } from "./profiles.js";
import { PushRules } from "./push-rules/push-rules.js";
import { UserStorage } from "./storage/storage.js";
import { TokenCache } from "./token-cache.js";
import { UserAuth } from "./user-auth.js";

/** The userapi's logic over its own storage: what runs in the process that owns the tables. */
export function createLocalUserApi(storage: UserStorage, serverName: string): UserApi {
  const users = new LocalUsers(serverName);
  const cache = new TokenCache();
  return {
    auth: new UserAuth(storage, users, cache),
    accounts: new Accounts(storage, users, cache),
    devices: new Devices(storage, users, cache),
    sessions: new AuthSessions(storage),
    profiles: new Profiles(storage, users),
    accountData: new AccountData(storage, users),
    pushRules: new PushRules(storage, users),
  };
}

/** Accounts, devices, access tokens, profiles, account data, filters and push rules. */
export function createUserApi(deps: ComponentDeps): Component & { api: UserApi } {
  const storage = new UserStorage(deps.db);
  const api = createLocalUserApi(storage, deps.config.server_name);
  return {
    name: "userapi",
    api,
    grpcServices: userApiServices(api),
    start: () => storage.migrate(),
  };
}
