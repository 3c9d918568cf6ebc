import type { AuthenticatedUser } from "../../internal/http/auth.js";
import type { KeyCounts } from "../../userapi/api/keys.js";
import type { StreamPositions } from "../streams/positions.js";
import type { StoredEvent } from "../storage/events.js";
import type { SyncStore } from "../caches/sync-store.js";
import type { EventFormatter, FormatOptions } from "./client-event.js";
import { receiptEvent, typingEvent } from "./ephemeral.js";
import { ignoringUsers, limitOf, passesFilter, roomAllowed, type SyncFilter } from "./filter.js";
import type { LazyMemberCache } from "./lazy-members.js";
import { roomSummary, unreadCounts } from "./room-extras.js";
import { roomTimelines, type RoomPlan, type RoomTimeline } from "./room-timelines.js";
import { inviteState, stripped } from "./stripped-state.js";
import { userExtras } from "./user-extras.js";
import { historyByRoom, RoomHistoryView } from "./visibility.js";
import { selectAccountDataChanged } from "../storage/account-data.js";
import { selectInvitesChanged } from "../storage/invites.js";
import { selectKeyCountsChanged } from "../storage/key-changes.js";
import { selectReceiptsChanged } from "../storage/receipts.js";
import { selectStateChanges } from "../storage/state.js";
import { selectTypingChanged } from "../storage/typing.js";

type Json = Record<string, unknown>;

export interface SyncRange {
  /** Null for an initial sync. */
  since: StreamPositions | null;
  to: StreamPositions;
  fullState: boolean;
}

export interface BuiltSync {
  body: Json;
  /** Nothing for the client: a long-poll keeps waiting. */
  empty: boolean;
  /** The to-device position reached (short of `to` when more messages wait). */
  toDevice: number;
}

/** The syncing device's key counts, which the userapi keeps. */
export type KeyCountsLookup = (userId: string, deviceId: string) => Promise<KeyCounts>;

/**
 * Builds one /sync response for a range of stream positions, from the sync store, and the
 * device's key counts from the userapi.
 */
export class SyncBuilder {
  constructor(
    private readonly store: SyncStore,
    private readonly formatter: EventFormatter,
    private readonly lazy: LazyMemberCache,
    private readonly keyCounts: KeyCountsLookup,
  ) {}

  async build(user: AuthenticatedUser, filter: SyncFilter, range: SyncRange): Promise<BuiltSync> {
    const q = this.store.db;
    const { since, to } = range;
    const full = since === null || range.fullState;
    const from = (stream: keyof StreamPositions) => (full || since === null ? 0 : since[stream]);
    const device = { userId: user.userId, deviceId: user.deviceId };
    if (full) this.lazy.reset(user.userId, user.deviceId);
    const ignored = await this.store.ignoredUsers.of(q, user.userId);
    const roomFilter = filter.room ?? {};
    const format: FormatOptions = { format: filter.event_format, fields: filter.event_fields, withoutRoomId: true, device };

    const plans: RoomPlan[] = [];
    const leavePlans: RoomPlan[] = [];
    const knocks: { roomId: string; view: RoomHistoryView }[] = [];
    const newlyJoined = new Set<string>();
    const views = new Map<string, RoomHistoryView>();
    for (const [roomId, rows] of historyByRoom(await this.store.memberships.of(q, user.userId))) {
      if (!roomAllowed(roomFilter, roomId)) continue;
      const view = new RoomHistoryView(user.userId, rows);
      views.set(roomId, view);
      const now = view.membershipAt(to.pdu);
      const before = since ? view.membershipAt(since.pdu) : "leave";
      const changed = since === null || rows.some((r) => r.position > since.pdu && r.position <= to.pdu);
      const after = since?.pdu ?? 0;
      if (now === "join") {
        const fresh = since !== null && before !== "join";
        if (fresh) newlyJoined.add(roomId);
        const whole = full || fresh;
        plans.push({ roomId, after: whole ? 0 : after, upTo: to.pdu, fullState: whole, stateAfter: after, view });
      } else if (
        (now === "leave" || now === "ban") &&
        ((since !== null && changed && before !== now) || (full && roomFilter.include_leave))
      ) {
        const leftAt = rows.filter((r) => r.position <= to.pdu).at(-1)!.position;
        const whole = full || before !== "join";
        leavePlans.push({ roomId, after: whole ? 0 : after, upTo: leftAt, fullState: whole, stateAfter: after, view });
      } else if (now === "knock" && changed) {
        knocks.push({ roomId, view });
      }
    }

    const timelineFilter = { ...roomFilter, timeline: ignoringUsers(roomFilter.timeline, ignored) };
    const timelines = await roomTimelines(q, this.store, [...plans, ...leavePlans], timelineFilter, device, this.lazy);
    const joinIds = plans.map((p) => p.roomId);
    const typing = await selectTypingChanged(q, joinIds, from("typing"), to.typing, Date.now());
    const receipts = await selectReceiptsChanged(q, joinIds, from("receipt"), to.receipt);
    const accountData = await selectAccountDataChanged(q, user.userId, from("accountData"), to.accountData);
    // First what each joined room has to say, then the unread counts of those that say anything.
    const shown: { plan: RoomPlan; t: RoomTimeline; ephemeral: Json[]; roomData: Json[] }[] = [];
    for (const p of plans) {
      const t = timelines.get(p.roomId)!;
      const ephemeral: Json[] = [];
      const typers = typing.get(p.roomId);
      if (typers && (typers.length > 0 || !full)) ephemeral.push(typingEvent(typers));
      const receipt = receiptEvent(
        receipts.filter((r) => r.roomId === p.roomId),
        user.userId,
      );
      if (receipt) ephemeral.push(receipt);
      const ephemeralShown = ephemeral.filter((e) => passesFilter(roomFilter.ephemeral, { type: String(e.type), roomId: p.roomId }));
      const roomData = accountData
        .filter((a) => a.roomId === p.roomId && passesFilter(roomFilter.account_data, { type: a.type, roomId: p.roomId }))
        .map((a) => ({ type: a.type, content: a.content }));
      const something = t.events.length + t.state.length + ephemeralShown.length + roomData.length > 0;
      if (p.fullState || something) shown.push({ plan: p, t, ephemeral: ephemeralShown, roomData });
    }
    const unread = await unreadCounts(
      q,
      this.store,
      user.userId,
      shown.map((r) => r.plan.roomId),
      to.pdu,
      views,
    );

    const join: Json = {};
    for (const { plan: p, t, ephemeral, roomData } of shown) {
      const memberChange = [...t.events, ...t.state].some((e) => e.type === "m.room.member");
      const room: Json = {
        timeline: { events: await this.formatter.format(q, t.events, format), limited: t.limited, prev_batch: t.prevBatch },
        state: { events: await this.formatter.format(q, t.state, format) },
        ephemeral: { events: ephemeral.slice(0, limitOf(roomFilter.ephemeral, 1000)) },
        account_data: { events: roomData.slice(0, limitOf(roomFilter.account_data, 1000)) },
        unread_notifications: unread.get(p.roomId) ?? { notification_count: 0, highlight_count: 0 },
      };
      if (p.fullState || memberChange) room.summary = await roomSummary(q, this.store, p.roomId, user.userId);
      join[p.roomId] = room;
    }

    const leave: Json = {};
    for (const p of leavePlans) {
      const t = timelines.get(p.roomId)!;
      leave[p.roomId] = {
        timeline: { events: await this.formatter.format(q, t.events, format), limited: t.limited, prev_batch: t.prevBatch },
        state: { events: await this.formatter.format(q, t.state, format) },
        account_data: { events: accountData.filter((a) => a.roomId === p.roomId).map((a) => ({ type: a.type, content: a.content })) },
      };
    }

    const invite: Json = {};
    for (const inv of await selectInvitesChanged(q, user.userId, from("invite"), to.invite)) {
      // The spec: invites from ignored users are not sent.
      if (inv.retired || !roomAllowed(roomFilter, inv.roomId) || ignored.includes(inv.json.sender as string)) continue;
      invite[inv.roomId] = { invite_state: { events: inviteState(inv.json, await this.roomState(inv.roomId, to.pdu)) } };
    }
    const knock: Json = {};
    for (const k of knocks) {
      const state = await this.roomState(k.roomId, to.pdu);
      const own = state.filter((e) => e.type === "m.room.member" && e.stateKey === user.userId).map((e) => stripped(e.json));
      knock[k.roomId] = { knock_state: { events: [...inviteState({}, state).slice(0, -1), ...own] } };
    }

    const keyCounts = await this.keyCounts(user.userId, user.deviceId);
    const extras = await userExtras(q, this.store, user, filter, range, accountData, [...newlyJoined], timelines, keyCounts);
    // A claim of this device's keys (by someone else) is news for it even with nothing else.
    const keyCountsChanged =
      since !== null && (await selectKeyCountsChanged(q, user.userId, user.deviceId, since.deviceList, to.deviceList));
    const rooms = { join, invite, leave, knock };
    const empty =
      [join, invite, leave, knock].every((s) => Object.keys(s).length === 0) &&
      (extras.body.presence as { events: unknown[] }).events.length === 0 &&
      (extras.body.account_data as { events: unknown[] }).events.length === 0 &&
      (extras.body.to_device as { events: unknown[] }).events.length === 0 &&
      extras.deviceListsEmpty &&
      !keyCountsChanged;
    return { body: { rooms, ...extras.body }, empty, toDevice: extras.toDevice };
  }

  /** The room's state at a position (for invite and knock stripped state). */
  private async roomState(roomId: string, upTo: number): Promise<StoredEvent[]> {
    const changes = (await selectStateChanges(this.store.db, [{ roomId, after: 0, upTo }])).get(roomId) ?? [];
    return this.store.events.byIds(
      this.store.db,
      changes.flatMap((c) => (c.eventId ? [c.eventId] : [])),
    );
  }
}
