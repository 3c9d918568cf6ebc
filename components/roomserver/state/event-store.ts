import type { Queryable } from "../../internal/database/database.js";
import { type RoomEvent, parseEvent, roomVersion } from "../../protocol/index.js";
import {
  insertEventsStatement,
  nextEventNids,
  selectEventsByIds,
  selectEventsByNids,
  updateRedactedEvent,
  type EventRecord,
} from "../storage/events.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import { LruMap } from "../../internal/cache/lru-map.js";

/** A stored event with its parsed form (parsing costs ~20 µs, so it is cached with the row). */
export interface LoadedEvent {
  readonly record: EventRecord;
  readonly event: RoomEvent;
}

/** Nids taken from the sequence at a time: one round trip serves this many new events. */
const NID_BLOCK = 64;

/** The events an open transaction has stored so far, written to the table at its commit. */
interface PendingEvents {
  readonly byNid: Map<number, LoadedEvent>;
  readonly nidById: Map<string, number>;
}

/**
 * Events by ID and by nid, through a cache. Rows enter the cache only once their
 * transaction has committed; redactions replace the cached copy. New events are held by
 * their transaction and inserted together just before it commits (one statement instead of
 * one per event); reads through that transaction's Queryable see them meanwhile, nobody
 * else does.
 */
export class EventStore {
  // Bounded so memory stays flat however many events pass: the working set is the recent
  // events of active rooms and their auth events (a parsed event with its JSON is ~3-5 KB).
  private readonly byNid = new LruMap<number, LoadedEvent>(10_000);
  private readonly nidById = new LruMap<string, number>(10_000);
  private readonly pendingByTx = new WeakMap<Queryable, PendingEvents>();
  private freeNids: number[] = [];
  private refill: Promise<void> | null = null;

  async byIds(q: Queryable, ids: readonly string[]): Promise<Map<string, LoadedEvent>> {
    const pending = this.pendingByTx.get(q);
    const found = new Map<string, LoadedEvent>();
    const missing: string[] = [];
    for (const id of ids) {
      const nid = pending?.nidById.get(id) ?? this.nidById.get(id);
      const known = nid !== undefined ? (pending?.byNid.get(nid) ?? this.byNid.get(nid)) : undefined;
      if (known) found.set(id, known);
      else missing.push(id);
    }
    for (const record of await selectEventsByIds(q, missing)) found.set(record.eventId, this.remember(record));
    return found;
  }

  async byNids(q: Queryable, nids: readonly number[]): Promise<Map<number, LoadedEvent>> {
    const pending = this.pendingByTx.get(q);
    const found = new Map<number, LoadedEvent>();
    const missing: number[] = [];
    for (const nid of nids) {
      const known = pending?.byNid.get(nid) ?? this.byNid.get(nid);
      if (known) found.set(nid, known);
      else missing.push(nid);
    }
    for (const record of await selectEventsByNids(q, missing)) found.set(record.nid, this.remember(record));
    return found;
  }

  /** Stores a new event in the transaction: it gets its nid now, its row at commit. */
  async insert(uow: UnitOfWork, record: Omit<EventRecord, "nid">, event: RoomEvent): Promise<EventRecord> {
    const stored = { ...record, nid: await this.nextNid(uow.q) };
    const pending = this.pendingOf(uow);
    pending.byNid.set(stored.nid, { record: stored, event });
    pending.nidById.set(stored.eventId, stored.nid);
    return stored;
  }

  /** Stores the redacted form of an event (perhaps one stored by this same transaction). */
  async redact(uow: UnitOfWork, target: LoadedEvent, json: string, redactedBy: string, event: RoomEvent): Promise<void> {
    const redacted = { record: { ...target.record, json, redactedBy }, event };
    const pending = this.pendingByTx.get(uow.q);
    if (pending?.byNid.has(target.record.nid)) pending.byNid.set(target.record.nid, redacted);
    else await updateRedactedEvent(uow.q, target.record.nid, json, redactedBy);
    uow.afterCommit(() => this.cache(redacted));
  }

  forget(nid: number): void {
    this.byNid.delete(nid);
  }

  private pendingOf(uow: UnitOfWork): PendingEvents {
    let pending = this.pendingByTx.get(uow.q);
    if (!pending) {
      const created: PendingEvents = { byNid: new Map(), nidById: new Map() };
      this.pendingByTx.set(uow.q, (pending = created));
      uow.beforeCommit("events", () => {
        this.pendingByTx.delete(uow.q); // written now: nothing reads them through the transaction after this
        uow.afterCommit(() => created.byNid.forEach((loaded) => this.cache(loaded)));
        return insertEventsStatement([...created.byNid.values()].map((l) => l.record));
      });
      uow.finally(() => this.pendingByTx.delete(uow.q));
    }
    return pending;
  }

  /** Nids are taken from the sequence in blocks; concurrent transactions share a refill. */
  private async nextNid(q: Queryable): Promise<number> {
    while (this.freeNids.length === 0) {
      this.refill ??= nextEventNids(q, NID_BLOCK)
        .then((nids) => void this.freeNids.push(...nids))
        .finally(() => (this.refill = null));
      await this.refill;
    }
    return this.freeNids.shift()!;
  }

  private remember(record: EventRecord): LoadedEvent {
    // A read racing a redaction's commit must not put the unredacted copy back.
    const cached = this.byNid.get(record.nid);
    if (cached) return cached;
    const loaded = { record, event: parseEvent(record.json, roomVersion(record.roomVersion)) };
    this.cache(loaded);
    return loaded;
  }

  private cache(loaded: LoadedEvent): void {
    this.byNid.set(loaded.record.nid, loaded);
    this.nidById.set(loaded.record.eventId, loaded.record.nid);
  }
}
