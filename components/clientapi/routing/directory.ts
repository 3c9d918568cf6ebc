import type Koa from "koa";
import { badJson, forbidden, invalidParam, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { performed } from "../errors/roomserver-errors.js";
import { publicRoomsPage, type DirectoryQuery } from "../rooms/public-rooms.js";
import { checkRoomAlias, checkRoomId, optional, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** A page of the directory holds at most this many rooms, whatever the client asks. */
const MAX_PAGE = 500;

function pageLimit(value: unknown): number {
  if (value === undefined) return 0;
  const limit = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) throw invalidParam("limit must be a non-negative integer");
  return Math.min(limit, MAX_PAGE);
}

function pageToken(value: unknown): string {
  if (value === undefined || value === "") return "";
  if (typeof value !== "string" || !/^\d{1,9}$/.test(value)) throw invalidParam("since is not a token this server gave out");
  return value;
}

/**
 * The room directory: aliases (PUT/GET/DELETE /directory/room/{alias}), a room's listing in
 * the published directory (/directory/list/room/{roomId}) and the directory itself
 * (/publicRooms). Only this server's directory is served until federation arrives.
 */
export function addDirectoryRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const rs = () => deps.roomserver();
  const writes = { access: "user", middleware: [deps.limits.write] } as const;
  const aliasPath = "/_matrix/client/v3/directory/room/{roomAlias}";

  routes.put(aliasPath, writes, async ({ ctx, user, params, body }) => {
    const alias = checkRoomAlias(params.roomAlias);
    const roomId = checkRoomId(required(body, "room_id", "string"));
    performed(await rs().performSetAlias({ alias, roomId, creator: user.userId }));
    ctx.body = {};
  });
  routes.get(aliasPath, { access: "public" }, async ({ ctx, params }) => {
    const alias = checkRoomAlias(params.roomAlias);
    const found = await rs().queryAlias({ alias });
    if (found.roomId === "") throw notFound(`room alias ${alias} is not known`);
    ctx.body = { room_id: found.roomId, servers: found.servers };
  });
  routes.delete(aliasPath, writes, async ({ ctx, user, params }) => {
    const alias = checkRoomAlias(params.roomAlias);
    performed(await rs().performRemoveAlias({ alias, userId: user.userId }));
    ctx.body = {};
  });

  const listPath = "/_matrix/client/v3/directory/list/room/{roomId}";
  routes.get(listPath, { access: "public" }, async ({ ctx, params }) => {
    const info = await rs().queryRoomInfo({ roomId: checkRoomId(params.roomId) });
    if (!info.roomExists) throw notFound("room not known");
    ctx.body = { visibility: info.published ? "public" : "private" };
  });
  routes.put(listPath, writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const visibility = optional(body, "visibility", "string") ?? "public";
    if (visibility !== "public" && visibility !== "private") throw badJson('visibility must be "public" or "private"');
    // As Synapse: listing a room is for those who may change how it presents itself.
    const sketch = { type: "m.room.canonical_alias", sender: user.userId, state_key: "", content: {} };
    const builder = deps.writer.builder;
    if (!builder.permits(await builder.positionIn(roomId, sketch), sketch)) {
      throw forbidden("only a member who may change the room's canonical alias may list it");
    }
    performed(await rs().performPublish({ roomId, visibility }));
    ctx.body = {};
  });

  const page = async (ctx: Koa.Context, query: DirectoryQuery) => {
    const server = ctx.query.server;
    if (server !== undefined && server !== deps.config.server_name) {
      throw notFound("only this server's room directory is served (no federation yet)");
    }
    ctx.body = await publicRoomsPage(rs(), query);
  };
  routes.get("/_matrix/client/v3/publicRooms", { access: "public" }, ({ ctx }) =>
    page(ctx, { limit: pageLimit(ctx.query.limit), since: pageToken(ctx.query.since), searchTerm: "", roomTypes: undefined }),
  );
  routes.post("/_matrix/client/v3/publicRooms", { access: "user" }, ({ ctx, body }) => {
    const filter = optional(body, "filter", "object") ?? {};
    const roomTypes = optional(filter, "room_types", "array");
    if (roomTypes?.some((t) => t !== null && typeof t !== "string")) throw badJson("filter.room_types must hold strings and null");
    optional(body, "include_all_networks", "boolean");
    optional(body, "third_party_instance_id", "string");
    return page(ctx, {
      limit: pageLimit(optional(body, "limit", "integer")),
      since: pageToken(optional(body, "since", "string")),
      searchTerm: optional(filter, "generic_search_term", "string") ?? "",
      roomTypes: roomTypes as (string | null)[] | undefined,
    });
  });
}
