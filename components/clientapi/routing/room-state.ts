import { notFound } from "../../internal/http/matrix-error.js";
import type { RouteRequest, TypedRoutes } from "../../internal/http/typed-routes.js";
import type { RoomEvent } from "../../protocol/index.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import { readableState } from "../rooms/readable-state.js";
import { checkRoomId } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** The spec's ClientEvent for a state event, with unsigned.age. */
function clientEvent(event: RoomEvent): Record<string, unknown> {
  return {
    content: event.content,
    event_id: event.eventId,
    origin_server_ts: event.originServerTs,
    room_id: event.roomId,
    sender: event.sender,
    state_key: event.stateKey ?? "",
    type: event.type,
    unsigned: { age: Math.max(0, Date.now() - event.originServerTs) },
  };
}

/**
 * GET /rooms/{roomId}/state/{eventType}[/{stateKey}]: one state event, its content or with
 * `format=event` the whole event, read from the roomserver. Served here, beside PUT of the
 * same paths, because an Ingress routes by path only; the full GET /state stays in the syncapi.
 */
export function addRoomStateRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const getState = async ({ ctx, user, params }: RouteRequest<"{roomId}/{eventType}", "guest">, stateKey: string) => {
    const roomId = checkRoomId(params.roomId);
    const [stored] = await readableState(deps.roomserver(), roomId, user.userId, [{ type: params.eventType, stateKey }]);
    if (!stored) throw notFound("No such state event");
    const event = parseStored(stored);
    ctx.body = ctx.query.format === "event" ? clientEvent(event) : event.content;
  };
  const reads = { access: "guest" } as const;
  routes.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}", reads, (request) =>
    getState(request, request.params.stateKey),
  );
  routes.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}", reads, (request) => getState(request, ""));
  routes.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/", reads, (request) => getState(request, ""));
}
