import { LruMap } from "../../internal/cache/lru-map.js";
import type { Queryable } from "../../internal/database/database.js";
import { selectUnreadEvents, type StoredEvent } from "../storage/events.js";
import { userRoomKey } from "../sync/keys.js";
import type { RecentEvents } from "./recent-events.js";

/** Unread counts stop counting here. */
const UNREAD_LIMIT = 100;
/** Users' rooms whose unread counts' older part is kept (at most UNREAD_LIMIT events each, mostly far fewer). */
const UNREAD_BASES = 10_000;

/** The answer to "which of the user's unread events are in (marker, upTo]", newest first: from the database, then carried forward. */
interface UnreadBase {
  marker: number;
  upTo: number;
  events: StoredEvent[];
  /** UnreadEvents.redactions when it was read. */
  redactions: number;
}

/**
 * The unread counts' events: from the newest events in memory, with the older part asked
 * of the database once and kept per user and room (UnreadBase).
 */
export class UnreadEvents {
  /** Database answers for unread counts, by user and room. */
  private readonly unreadBases = new LruMap<string, UnreadBase>(UNREAD_BASES);
  /** Redactions committed so far: an unread base from before one may count a redacted event. */
  private redactions = 0;

  constructor(private readonly recent: RecentEvents) {}

  /**
   * Timeline events of the rooms after each room's read marker and up to `to`, by others
   * than `userId`, newest first, at most UNREAD_LIMIT: the unread counts' basis.
   *
   * The memory answers when it holds a room's events back to the marker, or enough of them.
   * When it does not (a marker older than what is held, and few of the held events count: a
   * room where the user mostly writes), the database is asked for the older part only, and
   * its answer kept (UnreadBase): the next syncs add the memory's newer events to it instead
   * of asking again, until the marker moves or the memory no longer reaches back to it.
   */
  async countAfter(
    q: Queryable,
    roomIds: readonly string[],
    afterByRoom: ReadonlyMap<string, number>,
    to: number,
    userId: string,
  ): Promise<Map<string, { events: StoredEvent[] }>> {
    const out = new Map<string, { events: StoredEvent[] }>();
    const pass = (e: StoredEvent) => e.sender !== userId && e.stateKey === null && e.redactionEventId === null;
    const asked: { roomId: string; after: number; upTo: number; newer: StoredEvent[]; keep: boolean }[] = [];
    for (const roomId of roomIds) {
      const after = afterByRoom.get(roomId) ?? 0;
      const held = this.recent.newestHeld(roomId, after, to, UNREAD_LIMIT, pass);
      if (held?.complete) {
        if (held.events.length > 0) out.set(roomId, { events: held.events });
        continue;
      }
      if (!held) {
        asked.push({ roomId, after, upTo: to, newer: [], keep: false });
        continue;
      }
      // The older part: (after, from]. (A sync's `to` may lag behind what is held.)
      const from = Math.min(held.from, to);
      const older = this.keptUnreadBase(userId, roomId, after, from);
      if (older) {
        const events = [...held.events, ...older].slice(0, UNREAD_LIMIT);
        this.keepUnreadBase(userId, roomId, { marker: after, upTo: to, events, redactions: this.redactions });
        if (events.length > 0) out.set(roomId, { events });
      } else asked.push({ roomId, after, upTo: from, newer: held.events, keep: true });
    }
    if (asked.length === 0) return out;
    // A redaction committed while the query runs makes its answer stale: kept as such.
    const redactions = this.redactions;
    const fromDatabase = await selectUnreadEvents(q, asked, userId, UNREAD_LIMIT);
    for (const a of asked) {
      const older = fromDatabase.get(a.roomId) ?? [];
      const events = [...a.newer, ...older].slice(0, UNREAD_LIMIT);
      if (a.keep) this.keepUnreadBase(userId, a.roomId, { marker: a.after, upTo: to, events, redactions });
      if (events.length > 0) out.set(a.roomId, { events });
    }
    return out;
  }

  /** A redaction committed: kept unread bases may count the redacted event. */
  redacted(): void {
    this.redactions++;
  }

  /**
   * A whole answer for (marker, upTo], kept so that later syncs need only the memory's newer
   * events: each use moves it forward, so it keeps reaching the memory's oldest event while
   * the room gets fewer than the memory holds between two of the user's syncs.
   */
  private keepUnreadBase(userId: string, roomId: string, base: UnreadBase): void {
    this.unreadBases.set(userRoomKey(userId, roomId), base);
  }

  /**
   * The kept answer for the user's unread events in the room in (marker, upTo], cut at
   * `upTo` (newest first), if there is one that still reaches it and is complete there.
   */
  private keptUnreadBase(userId: string, roomId: string, marker: number, upTo: number): StoredEvent[] | null {
    const base = this.unreadBases.get(userRoomKey(userId, roomId));
    if (!base || base.marker !== marker || base.upTo < upTo || base.redactions !== this.redactions) return null;
    const older = base.events.filter((e) => e.position <= upTo);
    // The base holds the newest UNREAD_LIMIT of its range: cut shorter, older ones may be missing.
    return base.events.length < UNREAD_LIMIT || older.length === base.events.length ? older : null;
  }
}
