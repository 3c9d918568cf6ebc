import type { StoredEvent } from "../storage/events.js";

/** A room's newest timeline events, oldest first, and from where on the list is complete. */
interface RoomTail {
  events: StoredEvent[];
  /** Every timeline event of the room after this position is in `events`. */
  completeAfter: number;
}

export interface RecentEventsLimits {
  /** Events kept per room: more than a sync's usual window, so most incremental syncs are served here. */
  perRoom: number;
  /** Events kept in all; the least recently active rooms are forgotten beyond it. */
  total: number;
}

const DEFAULT_LIMITS: RecentEventsLimits = { perRoom: 128, total: 20_000 };

/**
 * The newest timeline events of the active rooms, in memory. Incremental syncs ask for the
 * few events after their `since` in each of the user's rooms; answering those from here
 * spares the database the busiest query of the syncapi (and its round trip).
 *
 * Only the room-event consumer fills it, after its transaction committed and in position
 * order, so it never holds what the database does not. It answers only when it can prove
 * its answer complete: a room's tail holds every timeline event after `completeAfter`
 * (events older than the process, or trimmed, are the database's); a room it does not hold
 * had no timeline event after `absentAfter`. Anything else returns null: ask the database.
 */
export class RecentEvents {
  private readonly rooms = new Map<string, RoomTail>();
  private readonly byId = new Map<string, StoredEvent>();
  private total = 0;
  /** A room not held had no timeline event after this position (the start, or the newest event of a room forgotten). */
  private absentAfter = Number.MAX_SAFE_INTEGER;
  /** Events up to this position have been added (later positions: not committed, or not yet told). */
  private knownUpTo = 0;

  constructor(private readonly limits: RecentEventsLimits = DEFAULT_LIMITS) {}

  /** At start: the database holds everything up to `position`, the memory nothing yet. */
  start(position: number): void {
    this.rooms.clear();
    this.byId.clear();
    this.total = 0;
    this.absentAfter = position;
    this.knownUpTo = position;
  }

  /** A timeline event just committed; events come in position order. */
  added(e: StoredEvent): void {
    let tail = this.rooms.get(e.roomId);
    if (tail) {
      this.rooms.delete(e.roomId); // re-inserted below: the map's order is the rooms' activity
    } else {
      // A room's create event is its first timeline event: from it on, the tail is the whole timeline.
      const first = e.type === "m.room.create" && e.stateKey === "";
      tail = { events: [], completeAfter: first ? 0 : this.absentAfter };
    }
    this.rooms.set(e.roomId, tail);
    tail.events.push(e);
    this.byId.set(e.eventId, e);
    this.total++;
    this.knownUpTo = Math.max(this.knownUpTo, e.position);
    if (tail.events.length > this.limits.perRoom) this.trim(tail, 1);
    while (this.total > this.limits.total) this.forgetLeastActive();
  }

  /** An event was redacted after commit: its JSON is the redacted form now. */
  redacted(eventId: string, json: Record<string, unknown>, redactionEventId: string): void {
    const e = this.byId.get(eventId);
    if (!e) return;
    const redacted: StoredEvent = { ...e, json, redactionEventId };
    const tail = this.rooms.get(e.roomId)!;
    tail.events[tail.events.indexOf(e)] = redacted;
    this.byId.set(eventId, redacted);
  }

  /** A held event by ID, or undefined (it may still be in the database). */
  get(eventId: string): StoredEvent | undefined {
    return this.byId.get(eventId);
  }

  /**
   * The newest `limit` timeline events of the room in (after, upTo] that `pass`, newest
   * first; null when the memory cannot tell for sure.
   */
  newest(roomId: string, after: number, upTo: number, limit: number, pass: (e: StoredEvent) => boolean): StoredEvent[] | null {
    const held = this.newestHeld(roomId, after, upTo, limit, pass);
    return held?.complete ? held.events : null;
  }

  /**
   * What the memory knows for sure of that range: the newest `limit` events that pass in
   * (from, upTo], newest first, where `from` is `after` or, when the room's older events are
   * not held, the position from which on they all are; `complete` when that is the whole
   * answer for (after, upTo] (the range starts within what is held, or `limit` events were
   * found anyway). Null when it knows nothing (events up to `upTo` are not all told yet).
   */
  newestHeld(
    roomId: string,
    after: number,
    upTo: number,
    limit: number,
    pass: (e: StoredEvent) => boolean,
  ): { events: StoredEvent[]; from: number; complete: boolean } | null {
    if (upTo > this.knownUpTo) return null;
    const tail = this.rooms.get(roomId);
    const events: StoredEvent[] = [];
    for (let i = (tail?.events.length ?? 0) - 1; i >= 0 && events.length < limit; i--) {
      const e = tail!.events[i]!;
      if (e.position <= after) break;
      if (e.position <= upTo && pass(e)) events.push(e);
    }
    // A room not held had no timeline event after absentAfter.
    const from = Math.max(after, tail ? tail.completeAfter : this.absentAfter);
    return { events, from, complete: from === after || events.length >= limit };
  }

  private trim(tail: RoomTail, count: number): void {
    for (const e of tail.events.splice(0, count)) {
      this.byId.delete(e.eventId);
      tail.completeAfter = Math.max(tail.completeAfter, e.position);
    }
    this.total -= count;
  }

  private forgetLeastActive(): void {
    const [roomId, tail] = this.rooms.entries().next().value as [string, RoomTail];
    this.rooms.delete(roomId);
    const newest = tail.events.at(-1)?.position ?? 0;
    this.absentAfter = Math.max(this.absentAfter, newest);
    this.trim(tail, tail.events.length);
  }
}
