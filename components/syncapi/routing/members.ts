import { forbidden, invalidParam } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { SyncRouteDeps } from "./deps.js";
import { historyTokenParam, query } from "./params.js";
import { roomAccess, stateAt } from "./room-access.js";
import { selectMembers } from "../storage/state.js";

const MEMBERSHIPS = new Set(["join", "invite", "knock", "leave", "ban"]);

/** GET /rooms/{roomId}/members (at, membership, not_membership) and /joined_members. */
export function addMemberRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  routes.get("/_matrix/client/v3/rooms/{roomId}/members", { access: "guest" }, async ({ ctx, user, params }) => {
    const { roomId } = params;
    const q = deps.store.db;
    const access = await roomAccess(q, deps.store, user.userId, roomId, deps.notifier.positions().pdu);
    const at = historyTokenParam(query(ctx, "at"), "at");
    const membership = query(ctx, "membership");
    const notMembership = query(ctx, "not_membership");
    for (const [name, value] of [
      ["membership", membership],
      ["not_membership", notMembership],
    ] as const) {
      if (value !== undefined && !MEMBERSHIPS.has(value)) throw invalidParam(`${name} must be one of ${[...MEMBERSHIPS].join(", ")}`);
    }
    const state = await stateAt(q, deps.store, roomId, Math.min(at ?? access.upTo, access.upTo));
    const members = state.filter((e) => {
      if (e.type !== "m.room.member") return false;
      const m = ((e.json.content ?? {}) as Record<string, unknown>).membership;
      return (membership === undefined || m === membership) && (notMembership === undefined || m !== notMembership);
    });
    ctx.body = { chunk: await deps.formatter.format(q, members) };
  });

  routes.get("/_matrix/client/v3/rooms/{roomId}/joined_members", { access: "guest" }, async ({ ctx, user, params }) => {
    const { roomId } = params;
    const q = deps.store.db;
    const access = await roomAccess(q, deps.store, user.userId, roomId, deps.notifier.positions().pdu);
    if (!access.joined) throw forbidden("You are not a member of this room");
    const joined = await selectMembers(q, roomId, ["join"]);
    const events = new Map(
      (
        await deps.store.events.byIds(
          q,
          joined.map((m) => m.eventId),
        )
      ).map((e) => [e.eventId, e]),
    );
    const body: Record<string, Record<string, unknown>> = {};
    for (const m of joined) {
      const content = (events.get(m.eventId)?.json.content ?? {}) as Record<string, unknown>;
      body[m.userId] = {
        ...(typeof content.displayname === "string" ? { display_name: content.displayname } : {}),
        ...(typeof content.avatar_url === "string" ? { avatar_url: content.avatar_url } : {}),
      };
    }
    ctx.body = { joined: body };
  });
}
