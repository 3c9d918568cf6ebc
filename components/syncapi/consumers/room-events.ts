import type { Queryable } from "../../internal/database/database.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { asHistoryVisibility, stateKeyOf, type StateKey } from "../../protocol/index.js";
import type {
  NewInviteOutput as NewInviteEvent,
  NewRoomEventOutput as NewRoomEvent,
  OutputRoomEvent,
  RedactedEventOutput as RedactedEvent,
  RetireInviteOutput as RetireInviteEvent,
} from "../../roomserver/api/output.js";
import { decodeOutputRoomEvent } from "../../roomserver/codecs/output-room-event.js";
import type { StateChange } from "../storage/state.js";
import type { SyncStore } from "../caches/sync-store.js";
import type { StoreConsumerSpec } from "./store-consumer.js";
import type { AfterCommit } from "../streams/stream-writer.js";
import { insertEvent, insertEvents, redactEvent, selectRedactionIdByJson, storedAt, type StoredEvent } from "../storage/events.js";
import { insertInvite, retireInvite } from "../storage/invites.js";
import { applyStateChanges, selectCurrentEventIds } from "../storage/state.js";

export const ROOM_EVENTS_CONSUMER = "syncapi-roomevents";

type Json = Record<string, unknown>;

interface ParsedEvent {
  json: Json;
  raw: string;
  eventId: string;
  type: string;
  sender: string;
  stateKey: string | null;
  membership: string | null;
}

function parse(eventId: string, raw: string): ParsedEvent {
  const json = JSON.parse(raw) as Json;
  const content = (json.content ?? {}) as Json;
  const stateKey = typeof json.state_key === "string" ? json.state_key : null;
  const isMember = json.type === "m.room.member" && stateKey !== null;
  return {
    json,
    raw,
    eventId,
    type: String(json.type),
    sender: String(json.sender),
    stateKey,
    membership: isMember && typeof content.membership === "string" ? content.membership : null,
  };
}

/** Event IDs of state events added without their own output (after a resolution): their ID is in `adds`. */
function addedEventIds(v: NewRoomEvent): Map<string, string> {
  return new Map(v.addedState.filter((e) => e.eventId !== v.eventId).map((e) => [e.eventId, e.eventJson]));
}

/** A room event the syncapi stored for the first time. */
export interface StoredRoomEvent {
  roomId: string;
  eventId: string;
  type: string;
  sender: string;
  originServerTs: number;
}

/** Told of each new room event after its commit; never of a redelivered one. */
export type NewEventListener = (event: StoredRoomEvent) => void;

/**
 * OutputRoomEvent into the store: new events at the next room-event position with the
 * state they change, redactions in place, invites on the invite stream. Wakes the room's
 * members and whoever's membership changed, and tells `onNewEvent` (presence: a sender is active).
 */
export function roomEventsConsumer(store: SyncStore, onNewEvent: NewEventListener = () => {}): StoreConsumerSpec<OutputRoomEvent | null> {
  async function applyOne(tx: Queryable, output: OutputRoomEvent | null): Promise<AfterCommit[]> {
    switch (output?.kind) {
      case "new":
        return newRoomEvent(tx, store, output, onNewEvent);
      case "old": {
        const e = parse(output.eventId, output.eventJson);
        await insertEvent(tx, row(output.roomId, e, "shared", false, null, null));
        return [];
      }
      case "redacted":
        return redacted(tx, store, output);
      case "invite":
        return invite(tx, store, output);
      case "retire-invite":
        return applyRetiredInvite(tx, store, output);
      default:
        return [];
    }
  }

  return {
    stream: STREAMS.outputRoomEvent,
    durable: ROOM_EVENTS_CONSUMER,
    syncStream: "pdu",
    decode: (data) => decodeOutputRoomEvent(data),
    /**
     * Runs of new events that change no state (messages, mostly) are inserted together, one
     * statement for the run; anything else is applied on its own, in order.
     */
    async apply(tx, outputs) {
      const effects: AfterCommit[] = [];
      let run: PlainEvent[] = [];
      const flush = async () => {
        effects.push(...(await plainEvents(tx, store, run, onNewEvent)));
        run = [];
      };
      for (const output of outputs) {
        const plain = plainEventOf(output);
        if (plain) {
          run.push(plain);
          continue;
        }
        await flush();
        effects.push(...(await applyOne(tx, output)));
      }
      await flush();
      return effects;
    },
  };
}

function row(
  roomId: string,
  e: ParsedEvent,
  historyVisibility: string,
  inTimeline: boolean,
  txn: NewRoomEvent["transactionId"] | null,
  prevEventId: string | null,
) {
  return {
    eventId: e.eventId,
    roomId,
    type: e.type,
    sender: e.sender,
    stateKey: e.stateKey,
    json: e.json,
    eventJson: e.raw,
    // The roomserver sends one of the four settings; an output from before it did may carry
    // any content value, and the column holds only what text can.
    historyVisibility: asHistoryVisibility(historyVisibility),
    inTimeline,
    txnDeviceId: txn?.deviceId || null,
    txnId: txn?.transactionId || null,
    prevEventId,
  };
}

async function newRoomEvent(tx: Queryable, store: SyncStore, v: NewRoomEvent, onNewEvent: NewEventListener): Promise<AfterCommit[]> {
  const event = parse(v.eventId, v.eventJson);
  for (const [id, json] of addedEventIds(v)) {
    await insertEvent(tx, row(v.roomId, parse(id, json), v.historyVisibility, false, null, null));
  }
  let prevEventId: string | null = null;
  if (event.stateKey !== null) {
    const current = await selectCurrentEventIds(tx, v.roomId, [{ type: event.type, stateKey: event.stateKey }]);
    prevEventId = current.get(stateKeyOf(event.type, event.stateKey)) ?? null;
  }
  const timelineRow = row(v.roomId, event, v.historyVisibility, true, v.transactionId ?? null, prevEventId);
  const position = await insertEvent(tx, timelineRow);
  if (position === null) return []; // stored before: a republished output
  const changes = await stateChanges(tx, store, v, event);
  await applyStateChanges(tx, v.roomId, position, changes);
  return [
    stored(
      store,
      v,
      storedAt(timelineRow, position),
      changes.filter((c) => c.type === "m.room.member"),
      onNewEvent,
    ),
  ];
}

/**
 * What follows the commit of a new event: the recent events and memberships in memory, its
 * position, the wake of its room, the listener.
 */
function stored(
  store: SyncStore,
  v: NewRoomEvent,
  event: StoredEvent,
  members: readonly StateChange[],
  onNewEvent: NewEventListener,
): AfterCommit {
  const position = event.position;
  return (n) => {
    store.recent.added(event);
    store.memberships.changed(members.map((c) => c.stateKey));
    n.advance("pdu", position);
    for (const c of members) n.setJoined(v.roomId, c.stateKey, c.membership === "join");
    n.wakeRoom(
      v.roomId,
      members.map((c) => c.stateKey),
    );
    onNewEvent({
      roomId: v.roomId,
      eventId: v.eventId,
      type: event.type,
      sender: event.sender,
      originServerTs: Number(event.json.origin_server_ts ?? 0),
    });
  };
}

interface PlainEvent {
  v: NewRoomEvent;
  event: ParsedEvent;
}

/** A new event that is not state and changes none (no resolution came with it), or null. */
function plainEventOf(output: OutputRoomEvent | null): PlainEvent | null {
  if (output?.kind !== "new") return null;
  const v = output;
  if (v.addedState.length > 0 || v.removedStateEventIds.length > 0) return null;
  const event = parse(v.eventId, v.eventJson);
  return event.stateKey === null ? { v, event } : null;
}

/** What newRoomEvent does for each of `events`, which change no state, with one statement for all. */
async function plainEvents(
  tx: Queryable,
  store: SyncStore,
  events: readonly PlainEvent[],
  onNewEvent: NewEventListener,
): Promise<AfterCommit[]> {
  if (events.length === 0) return [];
  const rows = events.map(({ v, event }) => row(v.roomId, event, v.historyVisibility, true, v.transactionId ?? null, null));
  const positions = await insertEvents(tx, rows);
  return events.flatMap(({ v }, i) => {
    const position = positions.get(v.eventId);
    // Not stored now: stored before, from a republished output.
    return position === undefined ? [] : [stored(store, v, storedAt(rows[i]!, position), [], onNewEvent)];
  });
}

/** The output's adds and removes as state-key changes: removes first, so an add of the same key wins. */
async function stateChanges(tx: Queryable, store: SyncStore, v: NewRoomEvent, event: ParsedEvent): Promise<StateChange[]> {
  const addedIds = v.addedState.map((e) => e.eventId);
  const ids = [...new Set([...v.removedStateEventIds, ...addedIds])];
  const known = new Map((await store.events.byIds(tx, ids)).map((e) => [e.eventId, e]));
  const byKey = new Map<StateKey, StateChange>();
  const put = (id: string, present: boolean) => {
    const e = known.get(id);
    if (!e || e.stateKey === null) return;
    const content = (e.json.content ?? {}) as Json;
    const membership = e.type === "m.room.member" && present && typeof content.membership === "string" ? content.membership : null;
    byKey.set(stateKeyOf(e.type, e.stateKey), { type: e.type, stateKey: e.stateKey, eventId: present ? id : null, membership });
  };
  v.removedStateEventIds.forEach((id) => put(id, false));
  addedIds.forEach((id) => put(id, true));
  if (event.stateKey !== null && !byKey.has(stateKeyOf(event.type, event.stateKey)) && addedIds.includes(event.eventId)) {
    byKey.set(stateKeyOf(event.type, event.stateKey), {
      type: event.type,
      stateKey: event.stateKey,
      eventId: event.eventId,
      membership: event.membership,
    });
  }
  return [...byKey.values()];
}

async function redacted(tx: Queryable, store: SyncStore, v: RedactedEvent): Promise<AfterCommit[]> {
  const redaction = JSON.parse(v.redactionEventJson) as Json;
  const redactionId = await redactionEventId(tx, store, v, redaction);
  const redactedJson = v.redactedEventJson;
  await redactEvent(tx, v.redactedEventId, redactedJson, redactionId);
  return [() => store.redacted(v.redactedEventId, JSON.parse(redactedJson) as Json, redactionId)];
}

/** The redaction's event ID: it was output (and stored) before the redaction took effect. */
async function redactionEventId(tx: Queryable, store: SyncStore, v: RedactedEvent, redaction: Json): Promise<string> {
  if (typeof redaction.event_id === "string") return redaction.event_id;
  return selectRedactionIdByJson(tx, v.roomId, v.redactionEventJson);
}

async function invite(tx: Queryable, store: SyncStore, v: NewInviteEvent): Promise<AfterCommit[]> {
  const position = await insertInvite(tx, v.eventId, v.roomId, v.targetUserId, v.eventJson);
  return [(n) => (n.advance("invite", position), n.wakeUsers([v.targetUserId]))];
}

async function applyRetiredInvite(tx: Queryable, store: SyncStore, v: RetireInviteEvent): Promise<AfterCommit[]> {
  const position = await retireInvite(tx, v.eventId);
  if (position === null) return [];
  return [(n) => (n.advance("invite", position), n.wakeUsers([v.targetUserId]))];
}
