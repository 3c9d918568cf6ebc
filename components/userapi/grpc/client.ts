import { createGrpcClient } from "../../internal/grpc/client.js";
import {
  AccountDataClient,
  AccountsClient,
  AuthSessionsClient,
  DevicesClient,
  KeysClient,
  ProfilesClient,
  PushRulesClient,
  UserAuthClient,
  type AccountDataServer,
  type AccountsServer,
  type AuthSessionsServer,
  type DevicesServer,
  type KeysServer,
  type ProfilesServer,
  type PushRulesServer,
  type UserAuthServer,
} from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type { PushRuleset } from "../api/push-rules.js";
import type { UserApi } from "../api/userapi.js";
import {
  accountFromMessage,
  crossSigningUploadToMessage,
  keyCountsFromMessage,
  keysUploadToMessage,
  parseJsonObject,
  queryResultFromMessage,
  sessionFromMessage,
  signatureFailureFromMessage,
} from "./convert.js";
import { caller } from "./caller.js";
import { createKeyBackupClient } from "./key-backup-client.js";

const parseOptional = (json: string | undefined) => (json === undefined ? null : parseJsonObject(json));

/** The UserApi of a userapi in another process, over its gRPC services; `secret` is the components' shared one. */
export function createUserApiClient(address: string, secret: string): UserApi {
  const auth = caller<UserAuthServer>(createGrpcClient(UserAuthClient, address, { secret }));
  const accounts = caller<AccountsServer>(createGrpcClient(AccountsClient, address, { secret }));
  const devices = caller<DevicesServer>(createGrpcClient(DevicesClient, address, { secret }));
  const sessions = caller<AuthSessionsServer>(createGrpcClient(AuthSessionsClient, address, { secret }));
  const profiles = caller<ProfilesServer>(createGrpcClient(ProfilesClient, address, { secret }));
  const accountData = caller<AccountDataServer>(createGrpcClient(AccountDataClient, address, { secret }));
  const pushRules = caller<PushRulesServer>(createGrpcClient(PushRulesClient, address, { secret }));
  const keys = caller<KeysServer>(createGrpcClient(KeysClient, address, { secret }));

  return {
    auth: {
      async queryAccessToken(accessToken) {
        const r = await auth("queryAccessToken", { accessToken });
        return r.found ? { userId: r.userId, deviceId: r.deviceId, isGuest: r.isGuest } : null;
      },
    },
    accounts: {
      createAccount: async (request) => accountFromMessage((await accounts("createAccount", request)).account),
      upgradeGuest: async (request) => accountFromMessage((await accounts("upgradeGuest", request)).account),
      guestsAmong: async (userIds) => (await accounts("guestsAmong", { userIds: [...userIds] })).userIds,
      adminsAmong: async (userIds) => (await accounts("adminsAmong", { userIds: [...userIds] })).userIds,
      isLocalpartAvailable: async (localpart) => (await accounts("isLocalpartAvailable", { localpart })).available,
      checkPassword: async (localpart, password) => accountFromMessage((await accounts("checkPassword", { localpart, password })).account),
      async setPassword(userId, password, options) {
        await accounts("setPassword", { userId, password, ...options });
      },
      async deactivateAccount(userId) {
        await accounts("deactivateAccount", { userId });
      },
    },
    devices: {
      createDevice: (request) => devices("createDevice", request),
      listDevices: async (userId) => (await devices("listDevices", { userId })).devices,
      getDevice: async (userId, deviceId) => (await devices("getDevice", { userId, deviceId })).device ?? null,
      renameDevice: async (userId, deviceId, displayName) => (await devices("renameDevice", { userId, deviceId, displayName })).found,
      async deleteDevices(userId, deviceIds) {
        await devices("deleteDevices", { userId, deviceIds: [...deviceIds] });
      },
      async deleteAllDevices(userId, exceptDeviceId) {
        await devices("deleteAllDevices", { userId, exceptDeviceId });
      },
    },
    sessions: {
      async createSession(operation, userId, params) {
        const paramsJson = params && JSON.stringify(params.fields);
        return (await sessions("createSession", { operation, userId, paramsJson, password: params?.password })).sessionId;
      },
      async getSession(sessionId) {
        const { session } = await sessions("getSession", { sessionId });
        return session ? sessionFromMessage(session) : null;
      },
      completeStage: async (sessionId, stage) => (await sessions("completeStage", { sessionId, stage })).completed,
      consumeSession: async (sessionId, operation) => (await sessions("consumeSession", { sessionId, operation })).consumed,
      finishSession: async (sessionId, operation, result) =>
        (await sessions("finishSession", { sessionId, operation, resultJson: JSON.stringify(result) })).finished,
    },
    profiles: {
      async getProfile(userId) {
        const r = await profiles("getProfile", { userId });
        return r.found ? parseJsonObject(r.profileJson) : null;
      },
      async setProfileField(userId, key, value) {
        await profiles("setProfileField", { userId, key, valueJson: JSON.stringify(value) });
      },
      async deleteProfileField(userId, key) {
        await profiles("deleteProfileField", { userId, key });
      },
    },
    accountData: {
      getAccountData: async (userId, roomId, type) =>
        parseOptional((await accountData("getAccountData", { userId, roomId, type })).contentJson),
      async setAccountData(userId, roomId, type, content) {
        await accountData("setAccountData", { userId, roomId, type, contentJson: JSON.stringify(content) });
      },
      createFilter: async (userId, filter) => (await accountData("createFilter", { userId, filterJson: JSON.stringify(filter) })).filterId,
      getFilter: async (userId, filterId) => parseOptional((await accountData("getFilter", { userId, filterId })).filterJson),
    },
    pushRules: {
      getPushRules: async (userId) => JSON.parse((await pushRules("getPushRules", { userId })).rulesetJson) as PushRuleset,
      async putPushRule(userId, kind, ruleId, rule, position) {
        await pushRules("putPushRule", { userId, kind, ruleId, ruleJson: JSON.stringify(rule), ...position });
      },
      async deletePushRule(userId, kind, ruleId) {
        await pushRules("deletePushRule", { userId, kind, ruleId });
      },
      async setPushRuleEnabled(userId, kind, ruleId, enabled) {
        await pushRules("setPushRuleEnabled", { userId, kind, ruleId, enabled });
      },
      async setPushRuleActions(userId, kind, ruleId, actions) {
        await pushRules("setPushRuleActions", { userId, kind, ruleId, actionsJson: JSON.stringify(actions) });
      },
    },
    keyBackup: createKeyBackupClient(address, secret),
    keys: {
      uploadKeys: async (userId, deviceId, upload) =>
        keyCountsFromMessage(await keys("uploadKeys", { userId, deviceId, ...keysUploadToMessage(upload) })),
      queryKeys: async (users, requestingUserId) =>
        queryResultFromMessage(
          await keys("queryKeys", {
            users: users.map((u) => ({ userId: u.userId, deviceIds: [...u.deviceIds] })),
            requestingUserId: requestingUserId ?? undefined,
          }),
        ),
      claimKeys: async (claims) =>
        (await keys("claimKeys", { claims: [...claims] })).keys.map(({ keyJson, ...claimed }) => ({
          ...claimed,
          key: JSON.parse(keyJson) as unknown,
        })),
      keyCounts: async (userId, deviceId) => keyCountsFromMessage(await keys("queryKeyCounts", { userId, deviceId })),
      uploadCrossSigningKeys: (userId, upload, authenticated) =>
        keys("uploadCrossSigningKeys", { userId, authenticated, ...crossSigningUploadToMessage(upload) }),
      uploadSignatures: async (userId, signed) =>
        (await keys("uploadSignatures", { userId, signedJson: JSON.stringify(signed) })).failures.map(signatureFailureFromMessage),
    },
  };
}
