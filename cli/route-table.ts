import type { ComponentName } from "../components/internal/config/types.js";

/** One HTTP route of the Matrix APIs and the component that serves it. */
export interface RouteEntry {
  readonly method: string;
  /** As the component's router registers it: parameters in braces. */
  readonly template: string;
  readonly component: ComponentName;
}

/**
 * Every HTTP route and its component: the one table the polylith's routing comes from.
 * A unit test holds each component's router to it (test/unit/cli/route-table.test.ts), the
 * Kubernetes Ingress is generated from it (`npm run generate-ingress`), and the tests'
 * path-routing proxy routes by it. Adding a route means adding its line here.
 * `/health`, which every process serves for itself, is not in it.
 */
export const ROUTE_TABLE: readonly RouteEntry[] = (
  [
    // roomserver
    // userapi
    // clientapi
    ["GET", "/_matrix/client/versions", "clientapi"],
    ["GET", "/.well-known/matrix/client", "clientapi"],
    ["GET", "/.well-known/matrix/server", "federationapi"],
    ["GET", "/_matrix/client/v3/capabilities", "clientapi"],
    ["POST", "/_matrix/client/v3/register", "clientapi"],
    ["GET", "/_matrix/client/v3/register/available", "clientapi"],
    ["GET", "/_synapse/admin/v1/register", "clientapi"],
    ["POST", "/_synapse/admin/v1/register", "clientapi"],
    ["GET", "/_matrix/client/v3/login", "clientapi"],
    ["POST", "/_matrix/client/v3/login", "clientapi"],
    ["POST", "/_matrix/client/v3/logout", "clientapi"],
    ["POST", "/_matrix/client/v3/logout/all", "clientapi"],
    ["GET", "/_matrix/client/v3/account/whoami", "clientapi"],
    ["POST", "/_matrix/client/v3/account/password", "clientapi"],
    ["POST", "/_matrix/client/v3/account/deactivate", "clientapi"],
    ["GET", "/_matrix/client/v3/devices", "clientapi"],
    ["GET", "/_matrix/client/v3/devices/{deviceId}", "clientapi"],
    ["PUT", "/_matrix/client/v3/devices/{deviceId}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/devices/{deviceId}", "clientapi"],
    ["POST", "/_matrix/client/v3/delete_devices", "clientapi"],
    ["GET", "/_matrix/client/v3/profile/{userId}", "clientapi"],
    ["GET", "/_matrix/client/v3/profile/{userId}/{keyName}", "clientapi"],
    ["PUT", "/_matrix/client/v3/profile/{userId}/{keyName}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/profile/{userId}/{keyName}", "clientapi"],
    ["GET", "/_matrix/client/v3/user/{userId}/account_data/{type}", "clientapi"],
    ["PUT", "/_matrix/client/v3/user/{userId}/account_data/{type}", "clientapi"],
    ["GET", "/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", "clientapi"],
    ["PUT", "/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", "clientapi"],
    ["POST", "/_matrix/client/v3/user/{userId}/filter", "clientapi"],
    ["GET", "/_matrix/client/v3/user/{userId}/filter/{filterId}", "clientapi"],
    ["GET", "/_matrix/client/v3/pushrules/", "clientapi"],
    ["GET", "/_matrix/client/v3/pushrules/global/", "clientapi"],
    ["GET", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}", "clientapi"],
    ["PUT", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}", "clientapi"],
    ["GET", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled", "clientapi"],
    ["PUT", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled", "clientapi"],
    ["GET", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions", "clientapi"],
    ["PUT", "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions", "clientapi"],
    ["POST", "/_matrix/client/v3/room_keys/version", "clientapi"],
    ["GET", "/_matrix/client/v3/room_keys/version", "clientapi"],
    ["GET", "/_matrix/client/v3/room_keys/version/{version}", "clientapi"],
    ["PUT", "/_matrix/client/v3/room_keys/version/{version}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/room_keys/version/{version}", "clientapi"],
    ["PUT", "/_matrix/client/v3/room_keys/keys", "clientapi"],
    ["GET", "/_matrix/client/v3/room_keys/keys", "clientapi"],
    ["DELETE", "/_matrix/client/v3/room_keys/keys", "clientapi"],
    ["PUT", "/_matrix/client/v3/room_keys/keys/{roomId}", "clientapi"],
    ["GET", "/_matrix/client/v3/room_keys/keys/{roomId}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/room_keys/keys/{roomId}", "clientapi"],
    ["PUT", "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}", "clientapi"],
    ["GET", "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}", "clientapi"],
    ["POST", "/_matrix/client/v3/createRoom", "clientapi"],
    ["POST", "/_matrix/client/v3/join/{roomIdOrAlias}", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/join", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/leave", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/invite", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/ban", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/kick", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/unban", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/forget", "clientapi"],
    ["GET", "/_matrix/client/v3/joined_rooms", "clientapi"],
    ["PUT", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}", "clientapi"],
    ["PUT", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}", "clientapi"],
    ["PUT", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}", "clientapi"],
    ["PUT", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/", "clientapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}", "clientapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}", "clientapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/", "clientapi"],
    ["PUT", "/_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}", "clientapi"],
    ["PUT", "/_matrix/client/v3/directory/room/{roomAlias}", "clientapi"],
    ["GET", "/_matrix/client/v3/directory/room/{roomAlias}", "clientapi"],
    ["DELETE", "/_matrix/client/v3/directory/room/{roomAlias}", "clientapi"],
    ["GET", "/_matrix/client/v3/directory/list/room/{roomId}", "clientapi"],
    ["PUT", "/_matrix/client/v3/directory/list/room/{roomId}", "clientapi"],
    ["GET", "/_matrix/client/v3/publicRooms", "clientapi"],
    ["POST", "/_matrix/client/v3/publicRooms", "clientapi"],
    ["PUT", "/_matrix/client/v3/rooms/{roomId}/typing/{userId}", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/read_markers", "clientapi"],
    ["POST", "/_matrix/client/v3/rooms/{roomId}/upgrade", "clientapi"],
    ["POST", "/_matrix/client/v3/keys/upload", "clientapi"],
    ["POST", "/_matrix/client/v3/keys/query", "clientapi"],
    ["POST", "/_matrix/client/v3/keys/claim", "clientapi"],
    ["POST", "/_matrix/client/v3/keys/device_signing/upload", "clientapi"],
    ["POST", "/_matrix/client/v3/keys/signatures/upload", "clientapi"],
    // syncapi
    ["GET", "/_matrix/client/v3/sync", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/messages", "syncapi"],
    ["GET", "/_matrix/client/v3/events", "syncapi"],
    ["GET", "/_matrix/client/v3/initialSync", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/initialSync", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/event/{eventId}", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/context/{eventId}", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/members", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/joined_members", "syncapi"],
    ["GET", "/_matrix/client/v3/rooms/{roomId}/state", "syncapi"],
    ["GET", "/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", "syncapi"],
    ["GET", "/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", "syncapi"],
    ["GET", "/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", "syncapi"],
    ["PUT", "/_matrix/client/v3/presence/{userId}/status", "syncapi"],
    ["GET", "/_matrix/client/v3/presence/{userId}/status", "syncapi"],
    ["PUT", "/_matrix/client/v3/sendToDevice/{eventType}/{txnId}", "syncapi"],
    ["GET", "/_matrix/client/v3/keys/changes", "syncapi"],
    // federationapi
    ["GET", "/_matrix/federation/v1/version", "federationapi"],
    ["GET", "/_matrix/key/v2/server", "federationapi"],
    ["GET", "/_matrix/key/v2/query/{serverName}", "federationapi"],
    ["POST", "/_matrix/key/v2/query", "federationapi"],
    // mediaapi
    ["GET", "/_matrix/client/v1/media/config", "mediaapi"],
    ["POST", "/_matrix/media/v3/upload", "mediaapi"],
    ["POST", "/_matrix/media/v1/create", "mediaapi"],
    ["PUT", "/_matrix/media/v3/upload/{serverName}/{mediaId}", "mediaapi"],
    ["GET", "/_matrix/client/v1/media/download/{serverName}/{mediaId}", "mediaapi"],
    ["GET", "/_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}", "mediaapi"],
    ["GET", "/_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}", "mediaapi"],
    ["GET", "/_matrix/media/v3/download/{serverName}/{mediaId}", "mediaapi"],
    ["GET", "/_matrix/media/v3/download/{serverName}/{mediaId}/{fileName}", "mediaapi"],
    ["GET", "/_matrix/media/v3/thumbnail/{serverName}/{mediaId}", "mediaapi"],
    ["DELETE", "/_synapse/admin/v1/media/{serverName}/{mediaId}", "mediaapi"],
  ] as const
).map(([method, template, component]) => ({ method, template, component }));

/**
 * Where a request for a path that matches no route goes, by path prefix, so it gets the
 * right component's 404 M_UNRECOGNIZED (clients probe unstable endpoints). Longest first.
 */
export const FALLBACK_PREFIXES: readonly { readonly prefix: string; readonly component: ComponentName }[] = [
  { prefix: "/_matrix/federation/", component: "federationapi" },
  { prefix: "/_matrix/client/", component: "clientapi" },
  { prefix: "/_matrix/key/", component: "federationapi" },
  { prefix: "/_matrix/media/", component: "mediaapi" },
];

/** A template as a regular expression over request paths: each parameter is one non-empty segment. */
export function templatePattern(template: string): string {
  return template
    .split("/")
    .map((segment) => (segment.startsWith("{") && segment.endsWith("}") ? "[^/]+" : segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("/");
}

/** The component that serves a request, by the table (then the fallback prefixes), or null. */
export function componentFor(method: string, path: string): ComponentName | null {
  const wanted = method === "HEAD" ? "GET" : method;
  let samePath: ComponentName | null = null;
  for (const entry of COMPILED) {
    if (!entry.regex.test(path)) continue;
    if (entry.method === wanted) return entry.component;
    samePath ??= entry.component;
  }
  // Another method of a known path: that path's component answers 405.
  if (samePath) return samePath;
  return FALLBACK_PREFIXES.find((f) => path.startsWith(f.prefix))?.component ?? null;
}

const COMPILED = ROUTE_TABLE.map((entry) => ({ ...entry, regex: new RegExp(`^${templatePattern(entry.template)}$`) }));
