import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate } from "../../internal/http/auth.js";
import { forbidden, MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import { performed } from "../roomserver-errors.js";
import { joinContent, MAX_REASON_LENGTH, profileContent } from "../rooms/member-content.js";
import { membershipIn } from "../rooms/room-access.js";
import { deleteForgottenRoom, insertForgottenRoom } from "../storage/forgotten-rooms.js";
import { checkRoomAlias, checkRoomId, checkUserId, optionalBoundedString, required } from "../validate.js";
import { route, type RouteDeps } from "./deps.js";

type Body = Record<string, unknown>;
const reasonOf = (body: Body) => optionalBoundedString(body, "reason", MAX_REASON_LENGTH) ?? "";

/**
 * Membership: join (by room ID or alias), leave, invite, kick, ban, unban, forget, and the
 * list of joined rooms. The auth rules judge power, bans and join rules (403 M_FORBIDDEN
 * naming the rule); joins and invites of rooms elsewhere need federation, not yet here.
 */
export function addMembershipRoutes(router: Router, deps: RouteDeps): void {
  const signedIn = authenticate(deps.lookupToken);
  const writes = [signedIn, deps.limits.write];
  // The spec's guest access module lets guests join (rooms whose guest_access is can_join) and leave.
  const guestWrites = [authenticate(deps.lookupToken, { allowGuests: true }), deps.limits.write];
  const rs = () => deps.roomserver();

  const join = async (ctx: Koa.Context, roomIdOrAlias: string) => {
    const { user, body } = ctx.state as RequestState;
    // A repeated join with the same content is answered with the current event (sendMemberEvent).
    const content = { ...(await profileContent(deps.userApi().profiles, user!.userId)), ...joinContent(body) };
    const answer = performed(
      await rs().performJoin({ roomIdOrAlias, userId: user!.userId, contentJson: Buffer.from(JSON.stringify(content)), isGuest: user!.isGuest }),
    );
    await deleteForgottenRoom(deps.db, user!.userId, answer.roomId);
    ctx.body = { room_id: answer.roomId };
  };

  router.post(
    "/_matrix/client/v3/join/{roomIdOrAlias}",
    route(guestWrites, (ctx) => {
      const target = (ctx.state as RequestState).params.roomIdOrAlias!;
      return join(ctx, target.startsWith("#") ? checkRoomAlias(target) : checkRoomId(target));
    }),
  );
  router.post(
    "/_matrix/client/v3/rooms/{roomId}/join",
    route(guestWrites, (ctx) => join(ctx, checkRoomId((ctx.state as RequestState).params.roomId!))),
  );

  /** A membership change of `target` by the requester; `target` "self" for leaving. */
  const change = (membership: string, targetKind: "self" | "body", allowed?: (current: string) => boolean, refusal?: string) =>
    route(targetKind === "self" ? guestWrites : writes, async (ctx: Koa.Context) => {
      const { user, params, body } = ctx.state as RequestState;
      const roomId = checkRoomId(params.roomId!);
      const target = targetKind === "self" ? user!.userId : checkUserId(required(body, "user_id", "string"), deps.config.server_name);
      const reason = reasonOf(body);
      if (allowed && !allowed(await membershipIn(rs(), roomId, target))) throw forbidden(refusal!.replace("{user}", target));
      performed(await rs().performMembership({ roomId, sender: user!.userId, target, membership, reason, isDirect: false }));
      ctx.body = {};
    });

  router.post("/_matrix/client/v3/rooms/{roomId}/leave", change("leave", "self"));
  router.post("/_matrix/client/v3/rooms/{roomId}/invite", change("invite", "body"));
  router.post("/_matrix/client/v3/rooms/{roomId}/ban", change("ban", "body"));
  // Both are "leave" for another user: kick must not lift a ban, unban must not kick.
  router.post(
    "/_matrix/client/v3/rooms/{roomId}/kick",
    change("leave", "body", (m) => ["join", "invite", "knock"].includes(m), "{user} is not in the room"),
  );
  router.post("/_matrix/client/v3/rooms/{roomId}/unban", change("leave", "body", (m) => m === "ban", "{user} is not banned"));

  router.post(
    "/_matrix/client/v3/rooms/{roomId}/forget",
    route(writes, async (ctx: Koa.Context) => {
      const { user, params } = ctx.state as RequestState;
      const roomId = checkRoomId(params.roomId!);
      const membership = await membershipIn(rs(), roomId, user!.userId);
      if (membership === "") throw notFound(`${user!.userId} was never in ${roomId}`);
      if (membership === "join") throw new MatrixError(400, "M_UNKNOWN", "Leave the room before forgetting it");
      await insertForgottenRoom(deps.db, user!.userId, roomId, Date.now());
      ctx.body = {};
    }),
  );

  router.get(
    "/_matrix/client/v3/joined_rooms",
    route([authenticate(deps.lookupToken, { allowGuests: true })], async (ctx: Koa.Context) => {
      const { roomIds } = await rs().queryRoomsForUser({ userId: (ctx.state as RequestState).user!.userId, membership: "join" });
      ctx.body = { joined_rooms: roomIds };
    }),
  );
}
