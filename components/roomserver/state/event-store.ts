import type { Queryable } from "../../internal/database/database.js";
import type { RoomEvent } from "../../protocol/events/event.js";
import { parseEvent } from "../../protocol/events/parse.js";
import { roomVersion } from "../../protocol/roomversions.js";
import { insertEvent, selectEventsByIds, selectEventsByNids, type EventRecord } from "../storage/events.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import { LruMap } from "./lru.js";

/** A stored event with its parsed form (parsing costs ~20 µs, so it is cached with the row). */
export interface LoadedEvent {
  readonly record: EventRecord;
  readonly event: RoomEvent;
}

/**
 * Events by ID and by nid, through a cache. Rows enter the cache only once their
 * transaction has committed; redactions replace the cached copy.
 */
export class EventStore {
  // Bounded so memory stays flat however many events pass: the working set is the recent
  // events of active rooms and their auth events (a parsed event with its JSON is ~3-5 KB).
  private readonly byNid = new LruMap<number, LoadedEvent>(10_000);
  private readonly nidById = new LruMap<string, number>(10_000);
  /** Events inserted by transactions still open: read inside them, but never cached. */
  private readonly uncommitted = new Set<number>();

  async byIds(q: Queryable, ids: readonly string[]): Promise<Map<string, LoadedEvent>> {
    const found = new Map<string, LoadedEvent>();
    const missing: string[] = [];
    for (const id of ids) {
      const nid = this.nidById.get(id);
      const cached = nid !== undefined ? this.byNid.get(nid) : undefined;
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    for (const record of await selectEventsByIds(q, missing)) found.set(record.eventId, this.remember(record));
    return found;
  }

  async byNids(q: Queryable, nids: readonly number[]): Promise<Map<number, LoadedEvent>> {
    const found = new Map<number, LoadedEvent>();
    const missing: number[] = [];
    for (const nid of nids) {
      const cached = this.byNid.get(nid);
      if (cached) found.set(nid, cached);
      else missing.push(nid);
    }
    for (const record of await selectEventsByNids(q, missing)) found.set(record.nid, this.remember(record));
    return found;
  }

  async insert(uow: UnitOfWork, record: Omit<EventRecord, "nid">, event: RoomEvent): Promise<EventRecord> {
    const nid = await insertEvent(uow.q, record);
    const stored = { ...record, nid };
    this.uncommitted.add(nid);
    uow.afterCommit(() => this.cache({ record: stored, event }));
    uow.finally(() => this.uncommitted.delete(nid));
    return stored;
  }

  /** Replaces the cached copy after a change (redaction, outlier gaining state). */
  replace(uow: UnitOfWork, loaded: LoadedEvent): void {
    uow.afterCommit(() => this.cache(loaded));
  }

  forget(nid: number): void {
    this.byNid.delete(nid);
  }

  private remember(record: EventRecord): LoadedEvent {
    // A read racing a redaction's commit must not put the unredacted copy back.
    const cached = this.byNid.get(record.nid);
    if (cached) return cached;
    const loaded = { record, event: parseEvent(record.json, roomVersion(record.roomVersion)) };
    if (!this.uncommitted.has(record.nid)) this.cache(loaded);
    return loaded;
  }

  private cache(loaded: LoadedEvent): void {
    this.byNid.set(loaded.record.nid, loaded);
    this.nidById.set(loaded.record.eventId, loaded.record.nid);
  }
}
