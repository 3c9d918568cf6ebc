import { stateKeyOf } from "../../protocol/index.js";
import type { StateTuple, StoredEvent } from "../api/queries.js";
import type { EventRecord } from "../storage/events.js";
import type { LoadedEvent } from "../state/event-store.js";

/** An event as the query services hand it out: the stored JSON bytes, never re-encoded. */
export function toStoredEvent(source: EventRecord | LoadedEvent): StoredEvent {
  const record = "record" in source ? source.record : source;
  return {
    eventId: record.eventId,
    roomVersion: record.roomVersion,
    eventJson: record.json,
    rejected: record.status === "rejected",
    softFailed: record.status === "soft_failed",
    outlier: record.outlier,
  };
}

/** The state keys of the requested tuples; undefined (every key) when none are given. */
export function stateKeysOf(tuples: readonly StateTuple[]): string[] | undefined {
  return tuples.length === 0 ? undefined : tuples.map((t) => stateKeyOf(t.type, t.stateKey));
}

/** Topological order (depth, then arrival): parents before children. */
export function byTopology(a: LoadedEvent, b: LoadedEvent): number {
  return a.record.depth - b.record.depth || a.record.nid - b.record.nid;
}
