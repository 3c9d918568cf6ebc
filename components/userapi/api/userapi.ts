import type { KeysApi } from "./keys.js";
import type { PushRuleActions, PushRuleKind, PushRuleset, PushRuleUpdate } from "./push-rules.js";
import type { KeyBackupApi } from "./key-backup.js";

/**
 * The userapi as its callers see it, one part per concern. Each part is one gRPC service in
 * proto/dendrite/userapi/v1/userapi.proto, so a caller that needs only token checks (the
 * syncapi) depends on `auth` alone. Failures a client should hear about are thrown as
 * `UserApiError` (api/errors.ts); everything else is a bug or an outage.
 */
export interface UserApi {
  readonly auth: UserAuthApi;
  readonly accounts: AccountsApi;
  readonly devices: DevicesApi;
  readonly sessions: AuthSessionsApi;
  readonly profiles: ProfilesApi;
  readonly accountData: AccountDataApi;
  readonly pushRules: PushRulesApi;
  readonly keyBackup: KeyBackupApi;
  readonly keys: KeysApi;
}

/** Who holds an access token. */
export interface TokenOwner {
  readonly userId: string;
  readonly deviceId: string;
  readonly isGuest: boolean;
}

export interface UserAuthApi {
  /** The owner of a token, or null for an unknown or revoked one. */
  queryAccessToken(accessToken: string): Promise<TokenOwner | null>;
}

export type AccountType = "user" | "guest" | "admin";
export const ACCOUNT_TYPES: readonly AccountType[] = ["user", "guest", "admin"];

export interface Account {
  readonly userId: string;
  readonly localpart: string;
  readonly accountType: AccountType;
  readonly createdTs: number;
}

export interface CreateAccountRequest {
  /** Omitted: the server picks a numeric localpart. */
  readonly localpart?: string;
  /** Omitted: the account has no password and cannot log in with one (guests). */
  readonly password?: string;
  readonly accountType: AccountType;
  readonly displayName?: string;
  /**
   * When `password` is omitted: the password the user-interactive auth session of this ID was
   * given (it keeps only the hash), so a later stage of registration may send only `auth`.
   */
  readonly passwordOfSession?: string;
}

export interface AccountsApi {
  /** Throws USER_IN_USE, INVALID_USERNAME. */
  createAccount(request: CreateAccountRequest): Promise<Account>;
  /** False when taken, also by a deactivated account (user IDs are never reused). */
  isLocalpartAvailable(localpart: string): Promise<boolean>;
  /**
   * The account the password opens. Throws FORBIDDEN when the user is unknown or the
   * password wrong (the same error, so the answer does not tell which), USER_DEACTIVATED,
   * LIMIT_EXCEEDED after too many wrong passwords for the account (password-attempts.ts).
   */
  checkPassword(localpart: string, password: string): Promise<Account>;
  /** Throws NOT_FOUND. With `logoutDevices`, every device but `keepDeviceId` is logged out. */
  setPassword(userId: string, password: string, options: { logoutDevices: boolean; keepDeviceId?: string }): Promise<void>;
  /** Logs out every device and removes password and profile; the user ID stays taken. */
  deactivateAccount(userId: string): Promise<void>;
  /** Those of the users that are guest accounts of this server (other servers' users never are). */
  guestsAmong(userIds: readonly string[]): Promise<string[]>;
  /** Those of the users that are admin accounts of this server (for admin APIs). */
  adminsAmong(userIds: readonly string[]): Promise<string[]>;
  /**
   * Makes a guest account a full one with a password (`password`, or the one the UIA session
   * `passwordOfSession` kept), keeping its user ID. Throws NOT_FOUND unless it is a guest.
   */
  upgradeGuest(request: { userId: string; password?: string; passwordOfSession?: string }): Promise<Account>;
}

export interface Device {
  readonly deviceId: string;
  readonly displayName?: string;
  readonly lastSeenTs?: number;
  readonly lastSeenIp?: string;
}

export interface CreateDeviceRequest {
  readonly userId: string;
  /** An existing device of the user gets a new access token; the old one stops working. */
  readonly deviceId?: string;
  readonly displayName?: string;
  readonly ip?: string;
}

export interface DevicesApi {
  /** A device (new or existing) with a fresh access token. Throws NOT_FOUND, USER_DEACTIVATED. */
  createDevice(request: CreateDeviceRequest): Promise<{ deviceId: string; accessToken: string }>;
  listDevices(userId: string): Promise<Device[]>;
  getDevice(userId: string, deviceId: string): Promise<Device | null>;
  /** False when the user has no such device. */
  renameDevice(userId: string, deviceId: string, displayName: string): Promise<boolean>;
  /** Deletes the devices and their access tokens; unknown IDs are ignored. */
  deleteDevices(userId: string, deviceIds: readonly string[]): Promise<void>;
  deleteAllDevices(userId: string, exceptDeviceId?: string): Promise<void>;
}

/** A user-interactive auth session (or a shared-secret registration nonce). */
export interface AuthSession {
  readonly sessionId: string;
  /** What the session authorises; a session is good only for its own operation. */
  readonly operation: string;
  readonly userId?: string;
  /** Stages completed so far, in order. */
  readonly completed: readonly string[];
  readonly createdTs: number;
  /** The parameters of the session's first request (never a password). */
  readonly params: Record<string, unknown>;
  /** Whether that request gave a password too (kept as its hash; see CreateAccountRequest). */
  readonly hasPassword: boolean;
  /** What the operation answered, once it ran and finished the session (finishSession). */
  readonly result?: Record<string, unknown>;
}

/** What a session remembers of the request that starts it, for the stages that follow. */
export interface SessionParams {
  /** JSON parameters; a password goes in `password`, never here. */
  readonly fields: Record<string, unknown>;
  /** Kept only as its hash. */
  readonly password?: string;
}

export interface AuthSessionsApi {
  createSession(operation: string, userId?: string, params?: SessionParams): Promise<string>;
  /** Null when unknown or expired. */
  getSession(sessionId: string): Promise<AuthSession | null>;
  /** Records a completed stage; returns every stage completed so far. Throws NOT_FOUND. */
  completeStage(sessionId: string, stage: string): Promise<string[]>;
  /** Ends a session once its operation ran; false if there was none for that operation. */
  consumeSession(sessionId: string, operation: string): Promise<boolean>;
  /**
   * Records what the session's operation answered, instead of ending the session: a retry
   * with it is answered the same (registration). False if there was none for that operation.
   */
  finishSession(sessionId: string, operation: string, result: Record<string, unknown>): Promise<boolean>;
}

/** A profile: `displayname`, `avatar_url`, `m.tz` and custom fields, each any JSON value. */
export type Profile = Record<string, unknown>;

export interface ProfilesApi {
  /** Null when there is no such local account, or it was deactivated. */
  getProfile(userId: string): Promise<Profile | null>;
  /** Throws NOT_FOUND, PROFILE_TOO_LARGE (the whole profile must stay under 64 KiB). */
  setProfileField(userId: string, key: string, value: unknown): Promise<void>;
  deleteProfileField(userId: string, key: string): Promise<void>;
}

export interface AccountDataApi {
  /** The content, or null when none of that type is stored. `roomId` omitted: global. */
  getAccountData(userId: string, roomId: string | undefined, type: string): Promise<Record<string, unknown> | null>;
  setAccountData(userId: string, roomId: string | undefined, type: string, content: Record<string, unknown>): Promise<void>;
  /** Stores a filter (already checked by `filterProblem`) and returns its ID. */
  createFilter(userId: string, filter: Record<string, unknown>): Promise<string>;
  getFilter(userId: string, filterId: string): Promise<Record<string, unknown> | null>;
}

export interface PushRulesApi {
  /** The user's `global` ruleset: server defaults and the user's rules in priority order. */
  getPushRules(userId: string): Promise<PushRuleset>;
  /** Adds or replaces a user rule. Throws INVALID_PARAM (also when before/after names no user rule of the kind). */
  putPushRule(
    userId: string,
    kind: PushRuleKind,
    ruleId: string,
    rule: PushRuleUpdate,
    position: { before?: string; after?: string },
  ): Promise<void>;
  /** Throws NOT_FOUND, INVALID_PARAM (a server-default rule). */
  deletePushRule(userId: string, kind: PushRuleKind, ruleId: string): Promise<void>;
  /** Throws NOT_FOUND. */
  setPushRuleEnabled(userId: string, kind: PushRuleKind, ruleId: string, enabled: boolean): Promise<void>;
  /** Throws NOT_FOUND. */
  setPushRuleActions(userId: string, kind: PushRuleKind, ruleId: string, actions: PushRuleActions): Promise<void>;
}
