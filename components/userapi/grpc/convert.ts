import { ACCOUNT_TYPES, type Account, type AccountType, type AuthSession } from "../api/userapi.js";
import type {
  Account as AccountMessage,
  AuthSession as AuthSessionMessage,
  KeyCountsResponse,
  UploadKeysRequest,
} from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type { KeyCounts, KeysUpload } from "../api/keys.js";
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
