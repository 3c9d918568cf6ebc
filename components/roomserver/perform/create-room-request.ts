import { type JsonObject, ROOM_VERSIONS, type RoomVersion, isJsonObject, parseCanonicalJson, parseUserIdAt } from "../../protocol/index.js";
import { badJson, invalidParam, PerformFailure } from "../api/perform-failure.js";

export type Preset = "private_chat" | "trusted_private_chat" | "public_chat";
const PRESETS: readonly Preset[] = ["private_chat", "trusted_private_chat", "public_chat"];

export interface InitialStateEvent {
  readonly type: string;
  readonly stateKey: string;
  readonly content: JsonObject;
}

/** A checked POST /createRoom body (C-S spec v1.16). */
export interface CreateRoomRequest {
  readonly visibility: "public" | "private";
  readonly preset: Preset;
  readonly roomAliasName: string | undefined;
  readonly name: string | undefined;
  readonly topic: string | undefined;
  /** Deduplicated, without the creator. */
  readonly invite: readonly string[];
  readonly version: RoomVersion;
  readonly creationContent: JsonObject;
  /** In request order; a later entry for the same (type, state_key) replaces an earlier one. */
  readonly initialState: readonly InitialStateEvent[];
  readonly isDirect: boolean;
  readonly powerLevelContentOverride: JsonObject | undefined;
}

/**
 * Parses and checks a createRoom body. Wrong types are 400 M_BAD_JSON, invalid IDs 400
 * M_INVALID_PARAM, an unknown room version 400 M_UNSUPPORTED_ROOM_VERSION: all before
 * anything is stored. A request naming no version gets `defaultVersion` (the config's).
 */
export function parseCreateRoomRequest(json: string, creator: string, serverName: string, defaultVersion: string): CreateRoomRequest {
  let body: unknown;
  try {
    body = json.length === 0 ? {} : parseCanonicalJson(json, { strict: false });
  } catch (err) {
    throw new PerformFailure("M_NOT_JSON", `createRoom body is not JSON: ${(err as Error).message}`, 400);
  }
  if (!isJsonObject(body)) throw badJson("createRoom body must be a JSON object");
  const field = fieldReader(body);

  const visibility = field.oneOf("visibility", ["public", "private"] as const) ?? "private";
  const preset = field.oneOf("preset", PRESETS) ?? (visibility === "public" ? "public_chat" : "private_chat");
  const roomAliasName = field.string("room_alias_name");
  if (roomAliasName !== undefined && (/\s/.test(roomAliasName) || roomAliasName.includes(":") || roomAliasName === "")) {
    throw invalidParam("room_alias_name must be a non-empty alias localpart without ':' or whitespace");
  }
  const versionId = field.string("room_version") ?? defaultVersion;
  const version = ROOM_VERSIONS.get(versionId);
  if (!version) throw new PerformFailure("M_UNSUPPORTED_ROOM_VERSION", `room version ${JSON.stringify(versionId)} is not supported`, 400);

  const invite = [...new Set(field.strings("invite") ?? [])].filter((u) => u !== creator);
  for (const userId of invite) parseUserIdAt(userId, serverName);
  // Third-party invites need an identity server, which this server does not talk to.
  if ((field.array("invite_3pid") ?? []).length > 0) throw invalidParam("invite_3pid is not supported by this server");

  const creationContent = field.object("creation_content") ?? {};
  if (version.privilegedCreators && creationContent["additional_creators"] !== undefined) {
    const extra = creationContent["additional_creators"];
    if (!Array.isArray(extra) || extra.some((u) => typeof u !== "string")) {
      throw badJson("creation_content.additional_creators must be an array of user IDs");
    }
    for (const userId of extra as string[]) parseUserIdAt(userId, serverName);
  }

  return {
    visibility,
    preset,
    roomAliasName,
    name: field.string("name"),
    topic: field.string("topic"),
    invite,
    version,
    creationContent,
    initialState: parseInitialState(field.array("initial_state") ?? []),
    isDirect: field.boolean("is_direct") ?? false,
    powerLevelContentOverride: field.object("power_level_content_override"),
  };
}

function parseInitialState(entries: unknown[]): InitialStateEvent[] {
  return entries.map((entry, i) => {
    const where = `initial_state[${i}]`;
    if (!isJsonObject(entry)) throw badJson(`${where} must be an object`);
    const field = fieldReader(entry, `${where}.`);
    const type = field.string("type");
    const content = field.object("content");
    if (type === undefined || content === undefined) throw badJson(`${where} needs a type and a content object`);
    // The create event is made from creation_content; a second one could never be accepted.
    if (type === "m.room.create") throw badJson(`${where}: m.room.create is set through creation_content`);
    return { type, stateKey: field.string("state_key") ?? "", content };
  });
}

/** Typed optional fields of a JSON object; null counts as absent, a wrong type is M_BAD_JSON. */
function fieldReader(body: JsonObject, prefix = "") {
  const get = <T>(key: string, ok: (v: unknown) => boolean, kind: string): T | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (!ok(value)) throw badJson(`${prefix}${key} must be ${kind}`);
    return value as T;
  };
  return {
    string: (key: string) => get<string>(key, (v) => typeof v === "string", "a string"),
    boolean: (key: string) => get<boolean>(key, (v) => typeof v === "boolean", "a boolean"),
    object: (key: string) => get<JsonObject>(key, isJsonObject, "an object"),
    array: (key: string) => get<unknown[]>(key, Array.isArray, "an array"),
    strings: (key: string) => get<string[]>(key, (v) => Array.isArray(v) && v.every((s) => typeof s === "string"), "an array of strings"),
    oneOf: <T extends string>(key: string, allowed: readonly T[]) =>
      get<T>(key, (v) => typeof v === "string" && (allowed as readonly string[]).includes(v), `one of ${allowed.join(", ")}`),
  };
}
