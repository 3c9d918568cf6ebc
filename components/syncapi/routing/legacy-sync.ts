import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { MatrixError } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { encodeHistoryToken } from "../streams/positions.js";
import type { StoredEvent } from "../storage/events.js";
import { ignoringUsers } from "../sync/filter.js";
import type { SyncRouteDeps } from "./deps.js";
import { boolParam, historyTokenParam, intParam, query } from "./params.js";
import { roomAccess, stateAt, type RoomAccess } from "./room-access.js";
import { selectAccountDataChanged } from "../storage/account-data.js";
import { selectTimelinePage } from "../storage/events.js";
import { selectMembershipsOf } from "../storage/state.js";

/** Events per room and /events answer: the legacy endpoints have no filters to ask for more. */
const DEFAULT_MESSAGES = 10;
const MAX_EVENTS = 100;
// As /sync here: a client that wants to wait says how long (every client of /events does).
const DEFAULT_TIMEOUT_MS = 0;
const MAX_TIMEOUT_MS = 60_000;

/**
 * The pre-r0 endpoints the spec still describes (deprecated) and Synapse still serves, which
 * guests and old clients use: GET /initialSync, GET /rooms/{roomId}/initialSync and GET
 * /events (long-polling room events after a token; with `room_id`, peeking at a room the user
 * may read, world-readable ones included). Tokens are the history tokens of /messages (`t<n>`,
 * a room-event position), so `end` of one call is `from` of the next. Only room events travel
 * on /events (no typing, receipts or presence, which /sync carries); presence is [] in
 * /initialSync.
 */
export function addLegacySyncRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  const q = () => deps.store.db;

  /** A room as /initialSync describes it: its latest messages and state, as the user may see them. */
  const roomInfo = async (user: AuthenticatedUser, roomId: string, access: RoomAccess, membership: string, limit: number) => {
    const filter = ignoringUsers(undefined, await deps.store.ignoredUsers.of(q(), user.userId));
    const page = limit > 0 ? await selectTimelinePage(q(), roomId, { after: 0, upTo: access.upTo }, true, limit, filter) : [];
    const visible = access.view.filter(page).reverse();
    const device = { device: { userId: user.userId, deviceId: user.deviceId } };
    const messages: Record<string, unknown> = {
      chunk: await deps.formatter.format(q(), visible, device),
      end: encodeHistoryToken(access.upTo),
    };
    const oldest = page.at(-1);
    if (oldest) messages.start = encodeHistoryToken(oldest.position - 1);
    const state = await deps.formatter.format(q(), await stateAt(q(), deps.store, roomId, access.upTo));
    const roomData = await roomAccountData(user.userId, roomId);
    return { room_id: roomId, membership, messages, state, visibility: "private", account_data: roomData };
  };

  const accountData = async (userId: string) => selectAccountDataChanged(q(), userId, 0, deps.notifier.positions().accountData);
  const roomAccountData = async (userId: string, roomId: string) =>
    (await accountData(userId)).filter((r) => r.roomId === roomId).map((r) => ({ type: r.type, content: r.content }));

  routes.get("/_matrix/client/v3/rooms/{roomId}/initialSync", { access: "guest" }, async ({ ctx, user, params }) => {
    const { roomId } = params;
    const access = await roomAccess(q(), deps.store, user.userId, roomId, deps.notifier.positions().pdu);
    const membership = access.view.membershipAt(access.upTo);
    ctx.body = await roomInfo(user, roomId, access, membership, intParam(query(ctx, "limit"), "limit", DEFAULT_MESSAGES, MAX_EVENTS));
  });

  routes.get("/_matrix/client/v3/initialSync", { access: "guest" }, async ({ ctx, user }) => {
    const limit = intParam(query(ctx, "limit"), "limit", DEFAULT_MESSAGES, MAX_EVENTS);
    const archived = boolParam(query(ctx, "archived"), "archived");
    const now = deps.notifier.positions().pdu;
    const wanted = new Set(archived ? ["join", "invite", "leave", "ban"] : ["join", "invite"]);
    const rooms = [];
    for (const m of await selectMembershipsOf(q(), user.userId)) {
      if (!wanted.has(m.membership)) continue;
      if (m.membership === "invite") {
        const [invite] = await deps.store.events.byIds(q(), m.eventId ? [m.eventId] : []);
        rooms.push({ room_id: m.roomId, membership: "invite", ...(invite && { invite: (await deps.formatter.format(q(), [invite]))[0] }) });
        continue;
      }
      // A room the user left before any join (a rejected invite) has nothing they may read.
      const access = await roomAccess(q(), deps.store, user.userId, m.roomId, now).catch((err: unknown) => {
        if (err instanceof MatrixError && err.status === 403) return null;
        throw err;
      });
      if (access) rooms.push(await roomInfo(user, m.roomId, access, m.membership, limit));
    }
    const global = (await accountData(user.userId)).filter((r) => r.roomId === "").map((r) => ({ type: r.type, content: r.content }));
    ctx.body = { end: encodeHistoryToken(now), rooms, presence: [], account_data: global };
  });

  routes.get("/_matrix/client/v3/events", { access: "guest" }, async ({ ctx, user }) => {
    const fromParam = query(ctx, "from") || undefined;
    const from = historyTokenParam(fromParam, "from") ?? deps.notifier.positions().pdu;
    const timeout = Math.min(intParam(query(ctx, "timeout"), "timeout", DEFAULT_TIMEOUT_MS, Number.MAX_SAFE_INTEGER), MAX_TIMEOUT_MS);
    const peeked = query(ctx, "room_id");
    const deadline = Date.now() + timeout;
    const closed = new AbortController();
    ctx.req.once("close", () => closed.abort());
    for (;;) {
      const version = deps.notifier.version(user.userId);
      const roomVersion = peeked === undefined ? 0 : deps.notifier.roomVersion(peeked);
      const now = deps.notifier.positions().pdu;
      const events = await eventsAfter(user, peeked, from, now);
      const wait = deadline - Date.now();
      if (events.length > 0 || wait <= 0 || closed.signal.aborted) {
        const last = events.at(-1);
        const device = { device: { userId: user.userId, deviceId: user.deviceId } };
        const end = events.length === MAX_EVENTS && last ? last.position : Math.max(now, from);
        ctx.body = {
          start: fromParam ?? encodeHistoryToken(from),
          end: encodeHistoryToken(end),
          chunk: await deps.formatter.format(q(), events, device),
        };
        return;
      }
      if (peeked === undefined) await deps.notifier.waitFor(user.userId, version, wait, closed.signal);
      else await deps.notifier.waitForRoom(peeked, roomVersion, wait, closed.signal);
    }
  });

  /** The room events after `from` the user may see: in their joined rooms, or in the one they peek at. */
  const eventsAfter = async (user: AuthenticatedUser, peeked: string | undefined, from: number, now: number): Promise<StoredEvent[]> => {
    if (from >= now) {
      // Nothing new, but a peek at a room the user may not read is refused at once.
      if (peeked !== undefined) await roomAccess(q(), deps.store, user.userId, peeked, now);
      return [];
    }
    const roomIds =
      peeked !== undefined
        ? [peeked]
        : (await selectMembershipsOf(q(), user.userId)).filter((m) => m.membership === "join").map((m) => m.roomId);
    const filter = ignoringUsers(undefined, await deps.store.ignoredUsers.of(q(), user.userId));
    const out: StoredEvent[] = [];
    for (const roomId of roomIds) {
      const access = await roomAccess(q(), deps.store, user.userId, roomId, now);
      const page = await selectTimelinePage(q(), roomId, { after: from, upTo: Math.min(now, access.upTo) }, false, MAX_EVENTS, filter);
      out.push(...access.view.filter(page));
    }
    return out.sort((a, b) => a.position - b.position).slice(0, MAX_EVENTS);
  };
}
