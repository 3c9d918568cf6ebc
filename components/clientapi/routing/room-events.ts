import { invalidParam } from "../../internal/http/matrix-error.js";
import type { RouteRequest, TypedRoutes } from "../../internal/http/typed-routes.js";
import type { JsonObject } from "../../protocol/index.js";
import { checkCanonicalAlias } from "../rooms/canonical-alias.js";
import { checkRedactionAllowed } from "../rooms/redaction-check.js";
import { checkEventId, checkRoomId, optionalBoundedString } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** Transaction IDs are opaque to the server; this bounds what it stores per request. */
const MAX_TXN_ID_LENGTH = 255;
const MAX_EVENT_TYPE_LENGTH = 255;

function checkTxnId(txnId: string): string {
  if (txnId.length > MAX_TXN_ID_LENGTH) throw invalidParam(`txnId must be at most ${MAX_TXN_ID_LENGTH} characters`);
  return txnId;
}

function checkEventType(type: string): string {
  if (type.length > MAX_EVENT_TYPE_LENGTH) throw invalidParam(`the event type must be at most ${MAX_EVENT_TYPE_LENGTH} characters`);
  return type;
}

/** The bodies of /send and /state are the event's content, which may hold U+0000 (router.ts). */
const CONTENT = { eventContentBody: true };

/**
 * Room events from clients: PUT /send (messages; POST without a transaction ID too), /state
 * (state, also with an empty state key), /redact. PUT /send and /redact are idempotent per
 * device and transaction ID.
 */
export function addRoomEventRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const writes = { access: "user", middleware: [deps.limits.write] } as const;
  // The spec's guest access module lets guests send any event and state (in rooms they joined:
  // the auth rules see to that); redactions and sends without a transaction ID stay closed.
  const guestWrites = { access: "guest", middleware: [deps.limits.write] } as const;
  const guestContentWrites = { ...guestWrites, options: CONTENT };

  routes.put("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", guestContentWrites, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const type = checkEventType(params.eventType);
    const sketch = { type, sender: user.userId, content: body as JsonObject };
    const eventId = await deps.writer.send(user, roomId, sketch, { endpoint: "send", txnId: checkTxnId(params.txnId) });
    ctx.body = { event_id: eventId };
  });
  // Without a transaction ID: gone from the spec, still served by Synapse and used by bots.
  routes.post("/_matrix/client/v3/rooms/{roomId}/send/{eventType}", writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const type = checkEventType(params.eventType);
    ctx.body = { event_id: await deps.writer.sendUnnamed(roomId, { type, sender: user.userId, content: body as JsonObject }) };
  });

  const putState = async ({ ctx, user, params, body }: RouteRequest<"{roomId}/{eventType}", "guest">, stateKey: string) => {
    const roomId = checkRoomId(params.roomId);
    const type = checkEventType(params.eventType);
    const content = body as JsonObject;
    if (type === "m.room.canonical_alias") await checkCanonicalAlias(deps.roomserver(), roomId, content);
    const eventId = await deps.writer.sendState(roomId, { type, sender: user.userId, state_key: stateKey, content });
    if (type === "m.room.guest_access" && stateKey === "" && content["guest_access"] !== "can_join")
      await deps.rooms.guestAccessClosed(roomId);
    ctx.body = { event_id: eventId };
  };
  routes.put("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}", guestContentWrites, (request) =>
    putState(request, request.params.stateKey),
  );
  routes.put("/_matrix/client/v3/rooms/{roomId}/state/{eventType}", guestContentWrites, (request) => putState(request, ""));
  routes.put("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/", guestContentWrites, (request) => putState(request, ""));

  routes.put("/_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}", writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const redacts = checkEventId(params.eventId);
    const reason = optionalBoundedString(body, "reason", 1024);
    await checkRedactionAllowed(deps.roomserver(), deps.writer.builder, roomId, user.userId, redacts);
    const content: JsonObject = reason === undefined ? {} : { reason };
    const sketch = { type: "m.room.redaction", sender: user.userId, content, redacts };
    const eventId = await deps.writer.send(user, roomId, sketch, { endpoint: "redact", txnId: checkTxnId(params.txnId) });
    ctx.body = { event_id: eventId };
  });
}
