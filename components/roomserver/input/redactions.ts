import {
  RoomPowerLevels,
  type StateMap,
  encodeCanonicalJson,
  parseEvent,
  redactEventJson,
  serverNameOf,
  stateKeyOf,
} from "../../protocol/index.js";
import { insertRedaction, markRedactionApplied, selectAwaitedRedactionTargets, selectPendingRedactionsOf } from "../storage/redactions.js";
import type { RoomRecord } from "../storage/rooms.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import type { EventStore, LoadedEvent } from "../state/event-store.js";
import type { StateCalculator } from "../state/state-calculator.js";
import type { StateNids } from "../state/snapshots.js";
import type { OutputWriter } from "../producers/output-writer.js";

const POWER_LEVELS_KEY = stateKeyOf("m.room.power_levels", "");
const CREATE_KEY = stateKeyOf("m.room.create", "");

/**
 * Redactions are applied once both halves are known: a redaction whose target arrives
 * later waits in roomserver_redactions. A redaction is applied when its sender's server
 * is the target's sender's server, or its sender had the redact power level in the state
 * before the redaction (spec: m.room.redaction, "Redactions" in the room versions).
 */
export class Redactions {
  /** Events some accepted redaction is waiting for, so most events need no lookup. */
  private readonly awaited = new Set<string>();

  constructor(
    private readonly events: EventStore,
    private readonly state: StateCalculator,
    private readonly outputs: OutputWriter,
  ) {}

  /** Loads the targets of redactions still waiting (at start-up). */
  async load(uow: UnitOfWork): Promise<void> {
    for (const eventId of await selectAwaitedRedactionTargets(uow.q)) this.awaited.add(eventId);
  }

  async onAccepted(uow: UnitOfWork, room: RoomRecord, loaded: LoadedEvent, stateBefore: StateNids): Promise<void> {
    const { event } = loaded;
    if (event.type === "m.room.redaction" && event.redacts !== undefined) {
      await insertRedaction(uow.q, event.eventId, event.redacts);
      const target = (await this.events.byIds(uow.q, [event.redacts])).get(event.redacts);
      if (target) await this.apply(uow, room, target, loaded, stateBefore);
      // Noted at once, so a target later in the same transaction finds it; a stale entry
      // after a rollback costs one lookup, nothing more.
      else this.awaited.add(event.redacts);
    }
    if (this.awaited.has(event.eventId)) {
      for (const redactionId of await selectPendingRedactionsOf(uow.q, event.eventId)) {
        const redaction = (await this.events.byIds(uow.q, [redactionId])).get(redactionId);
        const before = redaction && (await this.state.stateBefore(uow.q, redaction));
        if (redaction && before) await this.apply(uow, room, loaded, redaction, before);
      }
      uow.afterCommit(() => this.awaited.delete(event.eventId));
    }
  }

  private async apply(
    uow: UnitOfWork,
    room: RoomRecord,
    target: LoadedEvent,
    redaction: LoadedEvent,
    redactionStateBefore: StateNids,
  ): Promise<void> {
    if (target.record.roomNid !== room.roomNid || target.record.redactedBy !== null) return;
    if (!(await this.allowed(uow, target, redaction, redactionStateBefore))) return;
    const version = target.event.roomVersion;
    const json = encodeCanonicalJson(redactEventJson(target.event.json, version), { strict: false });
    await this.events.redact(uow, target, json, redaction.record.eventId, parseEvent(json, version));
    await markRedactionApplied(uow.q, redaction.record.eventId);
    await this.outputs.redacted(uow, room, target.record, redaction.record, json);
  }

  private async allowed(uow: UnitOfWork, target: LoadedEvent, redaction: LoadedEvent, stateBefore: StateNids): Promise<boolean> {
    if (serverNameOf(target.event.sender) === serverNameOf(redaction.event.sender)) return true;
    const loaded = await this.state.eventsOf(uow.q, stateBefore, [POWER_LEVELS_KEY, CREATE_KEY]);
    const state: StateMap = new Map([...loaded].map(([key, l]) => [key, l.event]));
    const power = RoomPowerLevels.fromState(state, redaction.event.roomVersion);
    return power.userLevel(redaction.event.sender) >= power.content.redact;
  }
}
