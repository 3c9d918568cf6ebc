import type { Queryable } from "../../internal/database/database.js";
import { storableText } from "../../internal/database/storable-text.js";
import type { Logger } from "../../internal/logging/logger.js";
import {
  ProtocolError,
  type ProtocolEvent,
  type RoomVersion,
  checkContentHash,
  parseEvent,
  redactEventJson,
  roomVersion,
} from "../../protocol/index.js";
import type { InputRoomEvent, InputVerdict } from "../api/input.js";
import type { KeyProvider } from "../api/keys.js";
import type { EventRecord, EventStatus } from "../storage/events.js";
import type { RoomRecord } from "../storage/rooms.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import type { EventStore, LoadedEvent } from "../state/event-store.js";
import type { RoomStore } from "../state/room-store.js";
import type { SnapshotStore, StateNids } from "../state/snapshots.js";
import type { StateCalculator } from "../state/state-calculator.js";
import type { Authoriser } from "./authorise.js";
import { InvalidInput } from "./invalid-input.js";
import { unstorableFieldOf } from "./storable-event.js";
import type { LatestEventsUpdater } from "./latest-events.js";
import type { Redactions } from "./redactions.js";
import { verifySignatures } from "./verify-signatures.js";
import type { OutputWriter } from "../producers/output-writer.js";

export interface InputProcessorDeps {
  rooms: RoomStore;
  events: EventStore;
  snapshots: SnapshotStore;
  state: StateCalculator;
  authoriser: Authoriser;
  latest: LatestEventsUpdater;
  redactions: Redactions;
  outputs: OutputWriter;
  keys: KeyProvider;
  logger: Logger;
}

/**
 * Decides and stores one input event, inside the caller's transaction: the S-S spec's
 * checks on receipt of a PDU, then storage with the state before the event, then (for new
 * events) the room's forward extremities, current state, memberships and outputs.
 */
export class InputProcessor {
  constructor(private readonly d: InputProcessorDeps) {}

  /**
   * The checks that need no database transaction: format, signatures (key lookups may do
   * their own I/O), content hash. Runs before the transaction, so no lock is held meanwhile.
   */
  async prepare(input: InputRoomEvent): Promise<ProtocolEvent> {
    const version = versionOf(input.roomVersion);
    const event = parseInput(input.eventJson, version);
    await verifySignatures(event, this.d.keys);
    // A content hash that does not match means the content was altered: the spec says to
    // keep the event in its redacted form.
    return checkContentHash(event.json) ? event : parseEvent(redactEventJson(event.json, version), version);
  }

  /**
   * Applies a prepared input in the caller's transaction. `built` is true for an event the
   * roomserver has just completed from a template: new, so no lookup is needed.
   */
  async process(uow: UnitOfWork, input: InputRoomEvent, event: ProtocolEvent, built = false): Promise<InputVerdict> {
    const version = event.roomVersion;
    const q = uow.q;

    if (!built && !uow.batch.absentEvents?.delete(event.eventId)) {
      const known = (await this.d.events.byIds(q, [event.eventId])).get(event.eventId);
      if (known) return verdictOf(known.record, true);
    }

    // Every check that can make the input invalid comes before the first write, so an
    // invalid input leaves nothing behind in a transaction shared with other inputs.
    const outlier = input.kind === "outlier";
    const existingRoom = await this.d.rooms.inTransaction(uow, event.roomId);
    if (existingRoom && existingRoom.roomVersion !== version.id) {
      throw new InvalidInput(`room ${existingRoom.roomId} is version ${existingRoom.roomVersion}, not ${version.id}`);
    }
    const founds = event.type === "m.room.create" && event.stateKey === "";
    if (!existingRoom && !founds && !outlier) throw new InvalidInput(`room ${event.roomId} is unknown`);
    const authEvents = await this.loadAll(q, event.authEventIds, "auth event");
    const create =
      version.roomIdFromCreateEvent && event.type !== "m.room.create"
        ? (await this.d.events.byIds(q, [`$${event.roomId.slice(1)}`])).get(`$${event.roomId.slice(1)}`)
        : undefined;
    const prevs = outlier ? [] : await this.loadAll(q, event.prevEventIds, "prev event");
    const stateBefore = outlier ? null : await this.d.state.stateAfterAll(q, version, prevs);
    if (!outlier && stateBefore === null) throw new InvalidInput("a prev event has no known state (it is an outlier)");
    const room = existingRoom ?? (await this.d.rooms.create(uow, event.roomId, version.id));

    if (stateBefore === null) {
      const reason = this.d.authoriser.againstAuthEvents(event, authEvents, create);
      const stored = await this.store(uow, room, event, authEvents, null, reason, true);
      await this.d.outputs.inviteIfLocal(uow, room, stored, event);
      return verdictOf(stored, false);
    }

    let reason = this.d.authoriser.againstAuthEvents(event, authEvents, create);
    reason ??= await this.d.authoriser.againstState(q, event, stateBefore);
    let softFailed = false;
    const isNew = input.kind !== "old";
    if (reason === null && isNew && room.currentSnapshotNid !== 0) {
      const current = await this.d.snapshots.load(q, room.currentSnapshotNid);
      softFailed = (await this.d.authoriser.againstState(q, event, current)) !== null;
    }

    const stored = await this.store(uow, room, event, authEvents, stateBefore, reason, false, softFailed, prevs);
    if (stored.status !== "accepted") return verdictOf(stored, false);

    const loaded: LoadedEvent = { record: stored, event };
    if (isNew) await this.d.latest.update(uow, room, loaded, prevs, stateBefore, input.transactionId);
    else await this.d.outputs.oldEvent(uow, room, loaded);
    await this.d.redactions.onAccepted(uow, room, loaded, stateBefore);
    return verdictOf(stored, false);
  }

  /**
   * Looks up which of a batch's events are already stored, in one query; `process` then
   * skips its own lookup for those found absent. What it returns records the answer in the
   * batch's transaction; the lookup may run before it (an event is only stored by its
   * room's batch, and one room is in one batch at a time).
   */
  async prefetch(q: Queryable, events: readonly ProtocolEvent[]): Promise<(uow: UnitOfWork) => void> {
    const found = await this.d.events.byIds(
      q,
      events.map((e) => e.eventId),
    );
    const absent = new Set(events.map((e) => e.eventId).filter((id) => !found.has(id)));
    return (uow) => {
      uow.batch.absentEvents = absent;
    };
  }

  /** The verdict an input got when it was applied: what is stored for its event now. */
  async verdictOfStored(q: Queryable, eventId: string): Promise<InputVerdict | null> {
    const known = (await this.d.events.byIds(q, [eventId])).get(eventId);
    return known ? verdictOf(known.record, true) : null;
  }

  private async loadAll(q: Queryable, ids: readonly string[], what: string): Promise<LoadedEvent[]> {
    const found = await this.d.events.byIds(q, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new InvalidInput(`missing ${what}${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
    return ids.map((id) => found.get(id)!);
  }

  private async store(
    uow: UnitOfWork,
    room: RoomRecord,
    event: ProtocolEvent,
    authEvents: readonly LoadedEvent[],
    stateBefore: StateNids | null,
    rejection: string | null,
    outlier: boolean,
    softFailed = false,
    prevs: readonly LoadedEvent[] = [],
  ): Promise<EventRecord> {
    const status: EventStatus = rejection !== null ? "rejected" : softFailed ? "soft_failed" : "accepted";
    const stateBeforeNid = stateBefore === null ? null : await this.snapshotNidOf(uow, room, stateBefore, prevs);
    const stored = await this.d.events.insert(
      uow,
      {
        roomNid: room.roomNid,
        roomVersion: room.roomVersion,
        eventId: event.eventId,
        type: event.type,
        stateKey: event.stateKey ?? null,
        sender: event.sender,
        depth: event.depth,
        json: event.canonicalJson(),
        authEventNids: authEvents.map((e) => e.record.nid),
        prevEventIds: [...event.prevEventIds],
        stateBeforeNid,
        status,
        // Auth rules quote what they refuse, which may hold what text columns cannot.
        reason: storableText(rejection ?? ""),
        outlier,
        redactedBy: null,
      },
      event,
    );
    if (stored.stateKey !== null) this.d.snapshots.rememberKey(stored.nid, `${stored.type}\u0000${stored.stateKey}`);
    if (rejection !== null) this.d.logger.info({ event_id: event.eventId, room: room.roomId, reason: rejection }, "event rejected");
    return stored;
  }

  /**
   * The snapshot of the state before the event. Most events extend a single event that
   * changed no state, or the room's current state: their snapshots are reused as they are.
   */
  private async snapshotNidOf(uow: UnitOfWork, room: RoomRecord, stateBefore: StateNids, prevs: readonly LoadedEvent[]): Promise<number> {
    if (prevs.length === 1) {
      const prev = prevs[0]!;
      const prevChangesNothing = prev.record.stateKey === null || prev.record.status === "rejected";
      if (prevChangesNothing && prev.record.stateBeforeNid !== null) return prev.record.stateBeforeNid;
      if (room.latestEventNids.length === 1 && room.latestEventNids[0] === prev.record.nid) return room.currentSnapshotNid;
    }
    return this.d.snapshots.save(uow, room.roomNid, stateBefore);
  }
}

function versionOf(id: string): RoomVersion {
  try {
    return roomVersion(id);
  } catch (err) {
    throw new InvalidInput((err as Error).message);
  }
}

function parseInput(json: Uint8Array, version: RoomVersion): ProtocolEvent {
  let event: ProtocolEvent;
  try {
    event = parseEvent(json, version);
  } catch (err) {
    if (err instanceof ProtocolError) throw new InvalidInput(err.message);
    throw err;
  }
  const unstorable = unstorableFieldOf(event);
  if (unstorable) throw new InvalidInput(unstorable);
  return event;
}

export function verdictOf(record: EventRecord, alreadyKnown: boolean): InputVerdict {
  return {
    eventId: record.eventId,
    outcome: record.status === "rejected" ? "rejected" : "accepted",
    softFailed: record.status === "soft_failed",
    reason: record.reason,
    alreadyKnown,
  };
}
