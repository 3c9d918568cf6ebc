import { ACCOUNT_TYPES, type Account, type AccountType, type AuthSession } from "../api/userapi.js";
import type {
  Account as AccountMessage,
  AuthSession as AuthSessionMessage,
  KeyCountsResponse,
  QueryKeysResponse,
  SignatureFailure as SignatureFailureMessage,
  UploadCrossSigningKeysRequest,
  UploadKeysRequest,
} from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import {
  CROSS_SIGNING_KEY_TYPES,
  type CrossSigningKeyType,
  type CrossSigningUpload,
  type KeyCounts,
  type KeysQueryResult,
  type KeysUpload,
  type SignatureFailure,
} from "../api/keys.js";
import { isPushRuleKind, type PushRuleKind } from "../api/push-rules.js";

/** Conversions between the UserApi's types and their proto messages, used by both adapters. */

export function accountType(value: string): AccountType {
  if (!(ACCOUNT_TYPES as readonly string[]).includes(value)) throw new Error(`unknown account type ${JSON.stringify(value)}`);
  return value as AccountType;
}

export function pushRuleKind(value: string): PushRuleKind {
  if (!isPushRuleKind(value)) throw new Error(`unknown push rule kind ${JSON.stringify(value)}`);
  return value;
}

export function accountFromMessage(message: AccountMessage | undefined): Account {
  if (!message) throw new Error("response carries no account");
  return { ...message, accountType: accountType(message.accountType) };
}

/** A JSON object sent as text; anything else is a broken peer. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("expected a JSON object");
  return value as Record<string, unknown>;
}

export function sessionToMessage({ params, result, completed, ...rest }: AuthSession): AuthSessionMessage {
  return { ...rest, completed: [...completed], paramsJson: JSON.stringify(params), resultJson: result && JSON.stringify(result) };
}

export function sessionFromMessage({ paramsJson, resultJson, userId, ...rest }: AuthSessionMessage): AuthSession {
  return {
    ...rest,
    ...(userId !== undefined && { userId }),
    params: parseJsonObject(paramsJson || "{}"),
    ...(resultJson !== undefined && { result: parseJsonObject(resultJson) }),
  };
}

export function keyCountsToMessage({ oneTimeKeyCounts, unusedFallbackKeyTypes }: KeyCounts): KeyCountsResponse {
  return { oneTimeKeyCounts, unusedFallbackKeyTypes };
}

export function keyCountsFromMessage({ oneTimeKeyCounts, unusedFallbackKeyTypes }: KeyCountsResponse): KeyCounts {
  return { oneTimeKeyCounts, unusedFallbackKeyTypes };
}

type UploadParts = Omit<UploadKeysRequest, "userId" | "deviceId">;

export function keysUploadToMessage({ deviceKeys, oneTimeKeys, fallbackKeys }: KeysUpload): UploadParts {
  return {
    deviceKeysJson: deviceKeys && JSON.stringify(deviceKeys),
    oneTimeKeysJson: oneTimeKeys && JSON.stringify(oneTimeKeys),
    fallbackKeysJson: fallbackKeys && JSON.stringify(fallbackKeys),
  };
}

/** The parts stay unparsed-as-objects: the userapi's checks say what is wrong with them. */
export function keysUploadFromMessage({ deviceKeysJson, oneTimeKeysJson, fallbackKeysJson }: UploadParts): KeysUpload {
  const parse = (json: string | undefined) => (json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>));
  return { deviceKeys: parse(deviceKeysJson), oneTimeKeys: parse(oneTimeKeysJson), fallbackKeys: parse(fallbackKeysJson) };
}

export function queryResultToMessage({ deviceKeys, crossSigningKeys }: KeysQueryResult): QueryKeysResponse {
  return {
    deviceKeys: deviceKeys.map(({ keys, ...device }) => ({ ...device, keysJson: JSON.stringify(keys) })),
    crossSigningKeys: crossSigningKeys.map(({ key, ...rest }) => ({ ...rest, keyJson: JSON.stringify(key) })),
  };
}

export function queryResultFromMessage({ deviceKeys, crossSigningKeys }: QueryKeysResponse): KeysQueryResult {
  return {
    deviceKeys: deviceKeys.map(({ keysJson, ...device }) => ({ ...device, keys: parseJsonObject(keysJson) })),
    crossSigningKeys: crossSigningKeys.map(({ keyJson, type, userId }) => ({
      userId,
      type: crossSigningKeyType(type),
      key: parseJsonObject(keyJson),
    })),
  };
}

function crossSigningKeyType(value: string): CrossSigningKeyType {
  if (!(CROSS_SIGNING_KEY_TYPES as readonly string[]).includes(value))
    throw new Error(`unknown cross-signing key type ${JSON.stringify(value)}`);
  return value as CrossSigningKeyType;
}

type CrossSigningParts = Omit<UploadCrossSigningKeysRequest, "userId" | "authenticated">;

export function crossSigningUploadToMessage(upload: CrossSigningUpload): CrossSigningParts {
  return {
    masterKeyJson: upload.master && JSON.stringify(upload.master),
    selfSigningKeyJson: upload.self_signing && JSON.stringify(upload.self_signing),
    userSigningKeyJson: upload.user_signing && JSON.stringify(upload.user_signing),
  };
}

export function crossSigningUploadFromMessage({
  masterKeyJson,
  selfSigningKeyJson,
  userSigningKeyJson,
}: CrossSigningParts): CrossSigningUpload {
  const parse = (json: string | undefined) => (json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>));
  const upload: Record<string, Record<string, unknown>> = {};
  for (const [type, json] of [
    ["master", masterKeyJson],
    ["self_signing", selfSigningKeyJson],
    ["user_signing", userSigningKeyJson],
  ] as const) {
    const key = parse(json);
    if (key !== undefined) upload[type] = key;
  }
  return upload;
}

const FAILURE_CODES: readonly SignatureFailure["code"][] = ["INVALID_SIGNATURE", "NOT_FOUND", "INVALID_PARAM"];

export function signatureFailureFromMessage({ code, ...rest }: SignatureFailureMessage): SignatureFailure {
  if (!(FAILURE_CODES as readonly string[]).includes(code)) throw new Error(`unknown signature failure code ${JSON.stringify(code)}`);
  return { ...rest, code: code as SignatureFailure["code"] };
}
