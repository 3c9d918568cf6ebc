import type Koa from "koa";
import { badJson, invalidParam, MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { BackedUpKey, BackedUpKeyData, BackupKeyScope, BackupVersion } from "../../userapi/api/key-backup.js";
import { checkRoomId, missingParam, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

const VERSIONS = "/_matrix/client/v3/room_keys/version";
const KEYS = "/_matrix/client/v3/room_keys/keys";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

/** A member of a nested object that must be an object; `where` names it in the error. */
function objectAt(value: unknown, where: string): Json {
  if (value === undefined || value === null) throw missingParam(`${where} is required`);
  if (!isObject(value)) throw badJson(`${where} must be an object`);
  return value;
}

/** A non-negative integer member; `where` names the object it is in. */
function countAt(data: Json, key: string, where: string): number {
  const value = data[key];
  if (value === undefined || value === null) throw missingParam(`${where}.${key} is required`);
  if (!Number.isSafeInteger(value)) throw badJson(`${where}.${key} must be an integer`);
  if ((value as number) < 0) throw invalidParam(`${where}.${key} must not be negative`);
  return value as number;
}

/** The spec's KeyBackupData, checked whole. */
function keyData(value: unknown, where: string): BackedUpKeyData {
  const data = objectAt(value, where);
  const firstMessageIndex = countAt(data, "first_message_index", where);
  const forwardedCount = countAt(data, "forwarded_count", where);
  if (data.is_verified === undefined || data.is_verified === null) throw missingParam(`${where}.is_verified is required`);
  if (typeof data.is_verified !== "boolean") throw badJson(`${where}.is_verified must be a boolean`);
  const sessionData = objectAt(data.session_data, `${where}.session_data`);
  return { firstMessageIndex, forwardedCount, isVerified: data.is_verified, sessionData };
}

function sessionId(id: string): string {
  if (id === "") throw invalidParam("a session ID must not be empty");
  return id;
}

/** The keys of a RoomKeyBackup (`{"sessions": {...}}`) for `roomId`. */
function roomKeys(roomId: string, value: unknown, where: string): BackedUpKey[] {
  const sessions = objectAt(objectAt(value, where).sessions, `${where}.sessions`);
  return Object.entries(sessions).map(([id, data]) => ({
    roomId,
    sessionId: sessionId(id),
    ...keyData(data, `${where}.sessions[${JSON.stringify(id)}]`),
  }));
}

const keyDataJson = (k: BackedUpKeyData) => ({
  first_message_index: k.firstMessageIndex,
  forwarded_count: k.forwardedCount,
  is_verified: k.isVerified,
  session_data: k.sessionData,
});

function sessionsJson(keys: readonly BackedUpKey[]): Json {
  return Object.fromEntries(keys.map((k) => [k.sessionId, keyDataJson(k)]));
}

function roomsJson(keys: readonly BackedUpKey[]): Json {
  const rooms: Record<string, BackedUpKey[]> = {};
  for (const key of keys) (rooms[key.roomId] ??= []).push(key);
  return Object.fromEntries(Object.entries(rooms).map(([roomId, ofRoom]) => [roomId, { sessions: sessionsJson(ofRoom) }]));
}

const versionJson = (v: BackupVersion) => ({
  algorithm: v.algorithm,
  auth_data: v.authData,
  count: v.count,
  etag: v.etag,
  version: v.version,
});

/** The `version` query parameter every /room_keys/keys call names its backup with. */
function versionQuery(ctx: Koa.Context): string {
  const value = ctx.query.version;
  if (Array.isArray(value)) throw invalidParam("version may be given once");
  if (value === undefined || value === "") throw missingParam("the version query parameter is required");
  return value;
}

/**
 * Server-side key backups: /room_keys/version (create, read the current or one version,
 * update auth_data, delete) and /room_keys/keys for all keys, a room's and a session's (store,
 * read, delete). The userapi stores them; the algorithm is not restricted to the one the spec
 * names today, as the data is the client's and new algorithms are namespaced.
 * Guests have no backups: the spec's guest access module does not list these endpoints.
 */
export function addKeyBackupRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const backups = () => deps.userApi().keyBackup;
  const write = { access: "user", middleware: [deps.limits.write] } as const;
  const read = { access: "user" } as const;

  routes.post(VERSIONS, write, async ({ ctx, user, body }) => {
    const algorithm = required(body, "algorithm", "string");
    const authData = required(body, "auth_data", "object");
    ctx.body = { version: await backups().createVersion(user.userId, algorithm, authData) };
  });

  routes.get(VERSIONS, read, async ({ ctx, user }) => {
    const current = await backups().getVersion(user.userId);
    if (!current) throw notFound("No current backup version");
    ctx.body = versionJson(current);
  });

  routes.get(`${VERSIONS}/{version}`, read, async ({ ctx, user, params }) => {
    const version = await backups().getVersion(user.userId, params.version);
    if (!version) throw notFound(`Unknown backup version ${JSON.stringify(params.version)}`);
    ctx.body = versionJson(version);
  });

  routes.put(`${VERSIONS}/{version}`, write, async ({ ctx, user, params, body }) => {
    const algorithm = required(body, "algorithm", "string");
    const authData = required(body, "auth_data", "object");
    if (body.version !== undefined && body.version !== params.version) {
      throw invalidParam(`The version in the body (${JSON.stringify(body.version)}) is not the one in the path`);
    }
    await backups().updateVersion(user.userId, params.version, algorithm, authData);
    ctx.body = {};
  });

  routes.delete(`${VERSIONS}/{version}`, write, async ({ ctx, user, params }) => {
    await backups().deleteVersion(user.userId, params.version);
    ctx.body = {};
  });

  /** Stores the keys the request's body holds, as `keysOf` reads them. */
  const put = async (ctx: Koa.Context, userId: string, keys: BackedUpKey[], version: string) => {
    const result = await backups().putKeys(userId, version, keys);
    if ("currentVersion" in result) {
      throw new MatrixError(403, "M_WRONG_ROOM_KEYS_VERSION", `Wrong backup version: the current one is ${result.currentVersion}`, {
        current_version: result.currentVersion,
      });
    }
    ctx.body = { etag: result.stored.etag, count: result.stored.count };
  };
  const get = (ctx: Koa.Context, userId: string, scope: BackupKeyScope) => backups().getKeys(userId, versionQuery(ctx), scope);
  const remove = async (ctx: Koa.Context, userId: string, scope: BackupKeyScope) => {
    const { etag, count } = await backups().deleteKeys(userId, versionQuery(ctx), scope);
    ctx.body = { etag, count };
  };

  routes.put(KEYS, write, async ({ ctx, user, body }) => {
    const version = versionQuery(ctx);
    const rooms = objectAt(body.rooms, "rooms");
    const keys = Object.entries(rooms).flatMap(([roomId, room]) => roomKeys(checkRoomId(roomId), room, `rooms[${JSON.stringify(roomId)}]`));
    await put(ctx, user.userId, keys, version);
  });
  routes.get(KEYS, read, async ({ ctx, user }) => {
    ctx.body = { rooms: roomsJson(await get(ctx, user.userId, {})) };
  });
  routes.delete(KEYS, write, ({ ctx, user }) => remove(ctx, user.userId, {}));

  routes.put(`${KEYS}/{roomId}`, write, async ({ ctx, user, params, body }) => {
    const version = versionQuery(ctx);
    await put(ctx, user.userId, roomKeys(checkRoomId(params.roomId), body, "the body"), version);
  });
  routes.get(`${KEYS}/{roomId}`, read, async ({ ctx, user, params }) => {
    ctx.body = { sessions: sessionsJson(await get(ctx, user.userId, { roomId: checkRoomId(params.roomId) })) };
  });
  routes.delete(`${KEYS}/{roomId}`, write, ({ ctx, user, params }) => remove(ctx, user.userId, { roomId: checkRoomId(params.roomId) }));

  routes.put(`${KEYS}/{roomId}/{sessionId}`, write, async ({ ctx, user, params, body }) => {
    const version = versionQuery(ctx);
    const key = { roomId: checkRoomId(params.roomId), sessionId: sessionId(params.sessionId), ...keyData(body, "the body") };
    await put(ctx, user.userId, [key], version);
  });
  routes.get(`${KEYS}/{roomId}/{sessionId}`, read, async ({ ctx, user, params }) => {
    const [key] = await get(ctx, user.userId, { roomId: checkRoomId(params.roomId), sessionId: params.sessionId });
    if (!key) throw notFound("Key not found");
    ctx.body = keyDataJson(key);
  });
  routes.delete(`${KEYS}/{roomId}/{sessionId}`, write, ({ ctx, user, params }) =>
    remove(ctx, user.userId, { roomId: checkRoomId(params.roomId), sessionId: params.sessionId }),
  );
}
