import type { ServiceBinding } from "../../internal/grpc/server.js";
import {
  AccountDataService,
  AccountsService,
  AuthSessionsService,
  DevicesService,
  KeysService,
  ProfilesService,
  PushRulesService,
  UserAuthService,
  type AccountDataServer,
  type AccountsServer,
  type AuthSessionsServer,
  type DevicesServer,
  type KeysServer,
  type ProfilesServer,
  type PushRulesServer,
  type UserAuthServer,
} from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type {
  CreateAccountRequest,
  CreateDeviceRequest,
  DeactivateAccountRequest,
  DeleteAllDevicesRequest,
  SetPasswordRequest,
  UpgradeGuestRequest,
} from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type { PushRuleActions } from "../api/push-rules.js";
import type { UserApi } from "../api/userapi.js";
import {
  accountType,
  crossSigningUploadFromMessage,
  keyCountsToMessage,
  keysUploadFromMessage,
  parseJsonObject,
  pushRuleKind,
  queryResultToMessage,
  sessionToMessage,
} from "./convert.js";
import { unaryHandler as handle } from "./errors.js";
import { keyBackupService } from "./key-backup-server.js";

/**
 * The calls that hand out an account or its keys: each is logged at info with whom it was
 * about (never the password), so an operator can see who made admins or minted tokens.
 */
const PRIVILEGED_ACCOUNT_CALLS = {
  createAccount: (r: CreateAccountRequest) => ({ localpart: r.localpart ?? null, account_type: r.accountType }),
  setPassword: (r: SetPasswordRequest) => ({ user_id: r.userId, logout_devices: r.logoutDevices }),
  deactivateAccount: (r: DeactivateAccountRequest) => ({ user_id: r.userId }),
  upgradeGuest: (r: UpgradeGuestRequest) => ({ user_id: r.userId }),
};
const PRIVILEGED_DEVICE_CALLS = {
  createDevice: (r: CreateDeviceRequest) => ({ user_id: r.userId, device_id: r.deviceId ?? null, ip: r.ip ?? null }),
  deleteAllDevices: (r: DeleteAllDevicesRequest) => ({ user_id: r.userId }),
};

/** The userapi's gRPC services, each a thin adapter over one part of a UserApi. */
export function userApiServices(api: UserApi): ServiceBinding[] {
  const auth: UserAuthServer = {
    queryAccessToken: handle(async ({ accessToken }) => {
      const owner = await api.auth.queryAccessToken(accessToken);
      return owner ? { found: true, ...owner } : { found: false, userId: "", deviceId: "", isGuest: false };
    }),
  };

  const accounts: AccountsServer = {
    createAccount: handle(async (r) => ({ account: await api.accounts.createAccount({ ...r, accountType: accountType(r.accountType) }) })),
    upgradeGuest: handle(async (r) => ({ account: await api.accounts.upgradeGuest(r) })),
    guestsAmong: handle(async ({ userIds }) => ({ userIds: await api.accounts.guestsAmong(userIds) })),
    adminsAmong: handle(async ({ userIds }) => ({ userIds: await api.accounts.adminsAmong(userIds) })),
    isLocalpartAvailable: handle(async ({ localpart }) => ({ available: await api.accounts.isLocalpartAvailable(localpart) })),
    checkPassword: handle(async ({ localpart, password }) => ({ account: await api.accounts.checkPassword(localpart, password) })),
    setPassword: handle(async ({ userId, password, ...options }) => {
      await api.accounts.setPassword(userId, password, options);
      return {};
    }),
    deactivateAccount: handle(async ({ userId }) => {
      await api.accounts.deactivateAccount(userId);
      return {};
    }),
  };

  const devices: DevicesServer = {
    createDevice: handle((r) => api.devices.createDevice(r)),
    listDevices: handle(async ({ userId }) => ({ devices: await api.devices.listDevices(userId) })),
    getDevice: handle(async ({ userId, deviceId }) => ({ device: (await api.devices.getDevice(userId, deviceId)) ?? undefined })),
    renameDevice: handle(async ({ userId, deviceId, displayName }) => ({
      found: await api.devices.renameDevice(userId, deviceId, displayName),
    })),
    deleteDevices: handle(async ({ userId, deviceIds }) => {
      await api.devices.deleteDevices(userId, deviceIds);
      return {};
    }),
    deleteAllDevices: handle(async ({ userId, exceptDeviceId }) => {
      await api.devices.deleteAllDevices(userId, exceptDeviceId);
      return {};
    }),
  };

  const sessions: AuthSessionsServer = {
    createSession: handle(async ({ operation, userId, paramsJson, password }) => {
      const params =
        paramsJson === undefined && password === undefined ? undefined : { fields: parseJsonObject(paramsJson ?? "{}"), password };
      return { sessionId: await api.sessions.createSession(operation, userId, params) };
    }),
    getSession: handle(async ({ sessionId }) => {
      const session = await api.sessions.getSession(sessionId);
      return { session: session ? sessionToMessage(session) : undefined };
    }),
    completeStage: handle(async ({ sessionId, stage }) => ({ completed: await api.sessions.completeStage(sessionId, stage) })),
    consumeSession: handle(async ({ sessionId, operation }) => ({ consumed: await api.sessions.consumeSession(sessionId, operation) })),
    finishSession: handle(async ({ sessionId, operation, resultJson }) => ({
      finished: await api.sessions.finishSession(sessionId, operation, parseJsonObject(resultJson)),
    })),
  };

  const profiles: ProfilesServer = {
    getProfile: handle(async ({ userId }) => {
      const profile = await api.profiles.getProfile(userId);
      return { found: profile !== null, profileJson: JSON.stringify(profile ?? {}) };
    }),
    setProfileField: handle(async ({ userId, key, valueJson }) => {
      await api.profiles.setProfileField(userId, key, JSON.parse(valueJson));
      return {};
    }),
    deleteProfileField: handle(async ({ userId, key }) => {
      await api.profiles.deleteProfileField(userId, key);
      return {};
    }),
  };

  const accountData: AccountDataServer = {
    getAccountData: handle(async ({ userId, roomId, type }) => {
      const content = await api.accountData.getAccountData(userId, roomId, type);
      return { contentJson: content === null ? undefined : JSON.stringify(content) };
    }),
    setAccountData: handle(async ({ userId, roomId, type, contentJson }) => {
      await api.accountData.setAccountData(userId, roomId, type, parseJsonObject(contentJson));
      return {};
    }),
    createFilter: handle(async ({ userId, filterJson }) => ({
      filterId: await api.accountData.createFilter(userId, parseJsonObject(filterJson)),
    })),
    getFilter: handle(async ({ userId, filterId }) => {
      const filter = await api.accountData.getFilter(userId, filterId);
      return { filterJson: filter === null ? undefined : JSON.stringify(filter) };
    }),
  };

  const pushRules: PushRulesServer = {
    getPushRules: handle(async ({ userId }) => ({ rulesetJson: JSON.stringify(await api.pushRules.getPushRules(userId)) })),
    putPushRule: handle(async ({ userId, kind, ruleId, ruleJson, before, after }) => {
      const rule = parseJsonObject(ruleJson) as unknown as Parameters<UserApi["pushRules"]["putPushRule"]>[3];
      await api.pushRules.putPushRule(userId, pushRuleKind(kind), ruleId, rule, { before, after });
      return {};
    }),
    deletePushRule: handle(async ({ userId, kind, ruleId }) => {
      await api.pushRules.deletePushRule(userId, pushRuleKind(kind), ruleId);
      return {};
    }),
    setPushRuleEnabled: handle(async ({ userId, kind, ruleId, enabled }) => {
      await api.pushRules.setPushRuleEnabled(userId, pushRuleKind(kind), ruleId, enabled);
      return {};
    }),
    setPushRuleActions: handle(async ({ userId, kind, ruleId, actionsJson }) => {
      await api.pushRules.setPushRuleActions(userId, pushRuleKind(kind), ruleId, JSON.parse(actionsJson) as PushRuleActions);
      return {};
    }),
  };

  const keys: KeysServer = {
    uploadKeys: handle(async ({ userId, deviceId, ...upload }) =>
      keyCountsToMessage(await api.keys.uploadKeys(userId, deviceId, keysUploadFromMessage(upload))),
    ),
    queryKeys: handle(async ({ users, requestingUserId }) =>
      queryResultToMessage(await api.keys.queryKeys(users, requestingUserId ?? null)),
    ),
    claimKeys: handle(async ({ claims }) => ({
      keys: (await api.keys.claimKeys(claims)).map(({ key, ...claimed }) => ({ ...claimed, keyJson: JSON.stringify(key) })),
    })),
    queryKeyCounts: handle(async ({ userId, deviceId }) => keyCountsToMessage(await api.keys.keyCounts(userId, deviceId))),
    uploadCrossSigningKeys: handle(async ({ userId, authenticated, ...keys }) =>
      api.keys.uploadCrossSigningKeys(userId, crossSigningUploadFromMessage(keys), authenticated),
    ),
    uploadSignatures: handle(async ({ userId, signedJson }) => ({
      failures: await api.keys.uploadSignatures(userId, parseJsonObject(signedJson) as Record<string, Record<string, unknown>>),
    })),
  };

  return [
    { definition: UserAuthService, implementation: auth },
    { definition: AccountsService, implementation: accounts, privileged: PRIVILEGED_ACCOUNT_CALLS },
    { definition: DevicesService, implementation: devices, privileged: PRIVILEGED_DEVICE_CALLS },
    { definition: AuthSessionsService, implementation: sessions },
    { definition: ProfilesService, implementation: profiles },
    { definition: AccountDataService, implementation: accountData },
    { definition: PushRulesService, implementation: pushRules },
    keyBackupService(api.keyBackup),
    { definition: KeysService, implementation: keys },
  ];
}
