import { forbidden, MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { RouteRequest, TypedRoutes } from "../../internal/http/typed-routes.js";
import { performed } from "../errors/roomserver-errors.js";
import { joinContent, MAX_REASON_LENGTH, profileContent } from "../rooms/member-content.js";
import { membershipIn } from "../rooms/room-access.js";
import { deleteForgottenRoom, insertForgottenRoom } from "../storage/forgotten-rooms.js";
import { checkRoomAlias, checkRoomId, checkUserId, optionalBoundedString, required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

type Body = Record<string, unknown>;
const reasonOf = (body: Body) => optionalBoundedString(body, "reason", MAX_REASON_LENGTH) ?? "";

/** A request to one of the /rooms/{roomId}/... membership endpoints (written out, so routes infer their own template). */
type RoomRequest = Omit<RouteRequest<string, "guest">, "params"> & { readonly params: { readonly roomId: string } };

/**
 * Membership: join (by room ID or alias), leave, invite, kick, ban, unban, forget, and the
 * list of joined rooms. The auth rules judge power, bans and join rules (403 M_FORBIDDEN
 * naming the rule); joins and invites of rooms elsewhere need federation, not yet here.
 */
export function addMembershipRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const writes = { access: "user", middleware: [deps.limits.write] } as const;
  // The spec's guest access module lets guests join (rooms whose guest_access is can_join) and leave.
  const guestWrites = { access: "guest", middleware: [deps.limits.write] } as const;
  const rs = () => deps.roomserver();

  const join = async ({ ctx, user, body }: Omit<RoomRequest, "params">, roomIdOrAlias: string) => {
    // A repeated join with the same content is answered with the current event (sendMemberEvent).
    const content = { ...(await profileContent(deps.userApi().profiles, user.userId)), ...joinContent(body) };
    const answer = performed(
      await rs().performJoin({
        roomIdOrAlias,
        userId: user.userId,
        contentJson: JSON.stringify(content),
        isGuest: user.isGuest,
      }),
    );
    await deleteForgottenRoom(deps.db, user.userId, answer.roomId);
    ctx.body = { room_id: answer.roomId };
  };

  routes.post("/_matrix/client/v3/join/{roomIdOrAlias}", guestWrites, (request) => {
    const target = request.params.roomIdOrAlias;
    return join(request, target.startsWith("#") ? checkRoomAlias(target) : checkRoomId(target));
  });
  routes.post("/_matrix/client/v3/rooms/{roomId}/join", guestWrites, (request) => join(request, checkRoomId(request.params.roomId)));

  /** A membership change of `target` by the requester; `target` "self" for leaving. */
  const change =
    (membership: string, targetKind: "self" | "body", allowed?: { check: (current: string) => boolean; refusal: string }) =>
    async ({ ctx, user, params, body }: RoomRequest) => {
      const roomId = checkRoomId(params.roomId);
      const target = targetKind === "self" ? user.userId : checkUserId(required(body, "user_id", "string"), deps.config.server_name);
      const reason = reasonOf(body);
      if (allowed && !allowed.check(await membershipIn(rs(), roomId, target))) throw forbidden(allowed.refusal.replace("{user}", target));
      performed(await rs().performMembership({ roomId, sender: user.userId, target, membership, reason, isDirect: false }));
      ctx.body = {};
    };

  routes.post("/_matrix/client/v3/rooms/{roomId}/leave", guestWrites, change("leave", "self"));
  routes.post("/_matrix/client/v3/rooms/{roomId}/invite", writes, change("invite", "body"));
  routes.post("/_matrix/client/v3/rooms/{roomId}/ban", writes, change("ban", "body"));
  // Both are "leave" for another user: kick must not lift a ban, unban must not kick.
  routes.post(
    "/_matrix/client/v3/rooms/{roomId}/kick",
    writes,
    change("leave", "body", { check: (m) => ["join", "invite", "knock"].includes(m), refusal: "{user} is not in the room" }),
  );
  routes.post(
    "/_matrix/client/v3/rooms/{roomId}/unban",
    writes,
    change("leave", "body", { check: (m) => m === "ban", refusal: "{user} is not banned" }),
  );

  routes.post("/_matrix/client/v3/rooms/{roomId}/forget", writes, async ({ ctx, user, params }) => {
    const roomId = checkRoomId(params.roomId);
    const membership = await membershipIn(rs(), roomId, user.userId);
    if (membership === "") throw notFound(`${user.userId} was never in ${roomId}`);
    if (membership === "join") throw new MatrixError(400, "M_UNKNOWN", "Leave the room before forgetting it");
    await insertForgottenRoom(deps.db, user.userId, roomId, Date.now());
    ctx.body = {};
  });

  routes.get("/_matrix/client/v3/joined_rooms", { access: "guest" }, async ({ ctx, user }) => {
    const { roomIds } = await rs().queryRoomsForUser({ userId: user.userId, membership: "join" });
    ctx.body = { joined_rooms: roomIds };
  });
}
