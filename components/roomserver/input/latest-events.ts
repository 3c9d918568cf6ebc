import { asHistoryVisibility, serverNameOf, stateKeyOf } from "../../protocol/index.js";
import type { TransactionId } from "../api/input.js";
import { upsertMembership } from "../storage/memberships.js";
import type { RoomRecord } from "../storage/rooms.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import type { EventStore, LoadedEvent } from "../state/event-store.js";
import type { RoomStore } from "../state/room-store.js";
import type { SnapshotStore, StateNids } from "../state/snapshots.js";
import { sameState, stateDelta, withEvent, type StateCalculator } from "../state/state-calculator.js";
import type { OutputWriter } from "../producers/output-writer.js";

const MEMBER = "m.room.member";
const HISTORY_VISIBILITY_KEY = stateKeyOf("m.room.history_visibility", "");

/**
 * What a new accepted event changes at the room's edge: the forward extremities (its prev
 * events stop being extremities, it becomes one), the current state (the state after the
 * new extremities, resolved if they fork), the memberships that follow from it, and the
 * NewRoomEvent output carrying all of that.
 */
export class LatestEventsUpdater {
  constructor(
    private readonly rooms: RoomStore,
    private readonly events: EventStore,
    private readonly snapshots: SnapshotStore,
    private readonly state: StateCalculator,
    private readonly outputs: OutputWriter,
    private readonly serverName: string,
  ) {}

  async update(
    uow: UnitOfWork,
    room: RoomRecord,
    loaded: LoadedEvent,
    prevs: readonly LoadedEvent[],
    stateBefore: StateNids,
    transactionId: TransactionId | undefined,
  ): Promise<void> {
    const q = uow.q;
    const prevNids = new Set(prevs.map((p) => p.record.nid));
    const latest = [...room.latestEventNids.filter((nid) => !prevNids.has(nid)), loaded.record.nid];
    const oldCurrent = await this.snapshots.load(q, room.currentSnapshotNid);
    // The extremities the new event does not replace (none in the common, linear case).
    const others = await this.events.byNids(
      q,
      latest.filter((nid) => nid !== loaded.record.nid),
    );

    // The common case, an event extending every extremity, needs no resolution.
    let current = withEvent(stateBefore, loaded);
    if (others.size > 0) {
      const sets: StateNids[] = [current];
      for (const other of others.values()) sets.push((await this.state.stateAfter(q, other))!);
      current = await this.state.resolve(q, loaded.event.roomVersion, sets);
    }

    const currentNid = sameState(oldCurrent, current) ? room.currentSnapshotNid : await this.snapshots.save(uow, room.roomNid, current);
    const delta = stateDelta(oldCurrent, current);
    const changed = await this.events.byNids(
      q,
      [...delta.added, ...delta.removed].filter((nid) => nid !== loaded.record.nid),
    );
    changed.set(loaded.record.nid, loaded);
    const adds = delta.added.map((nid) => changed.get(nid)!.record);
    const removes = delta.removed.map((nid) => changed.get(nid)!.record);

    await this.updateMemberships(
      uow,
      room,
      delta.added.map((nid) => changed.get(nid)!),
      oldCurrent,
    );
    const latestIds = latest.map((nid) => (nid === loaded.record.nid ? loaded.record.eventId : others.get(nid)!.record.eventId));
    const ownKey = loaded.record.stateKey === null ? null : stateKeyOf(loaded.record.type, loaded.record.stateKey);
    const rewritesState = adds.some((e) => stateKeyOf(e.type, e.stateKey!) !== ownKey);

    await this.outputs.newEvent(uow, room, loaded, {
      adds,
      removes,
      latestEventIds: latestIds,
      rewritesState,
      historyVisibility: await this.historyVisibility(uow, stateBefore),
      transactionId,
    });
    await this.rooms.setLatest(uow, room, latest, currentNid, loaded.record.eventId);
  }

  /** Memberships follow the current state; pending invites of our users are announced and retired. */
  private async updateMemberships(uow: UnitOfWork, room: RoomRecord, adds: LoadedEvent[], oldCurrent: StateNids): Promise<void> {
    const members = adds.filter((e) => e.record.type === MEMBER && e.record.stateKey !== null);
    if (members.length === 0) return;
    const previous = await this.events.byNids(
      uow.q,
      members.map((e) => oldCurrent.get(stateKeyOf(MEMBER, e.record.stateKey!))).filter((n): n is number => n !== undefined),
    );
    for (const { record, event } of members) {
      const membership = String(event.content.membership ?? "");
      const userId = record.stateKey!;
      const isLocal = serverNameOf(userId) === this.serverName;
      await upsertMembership(uow.q, { roomNid: room.roomNid, userId, membership, eventNid: record.nid, isLocal });
      if (!isLocal) continue;
      if (membership === "invite") await this.outputs.inviteIfLocal(uow, room, record, event);
      const oldNid = oldCurrent.get(stateKeyOf(MEMBER, userId));
      const old = oldNid !== undefined ? previous.get(oldNid) : undefined;
      if (old && old.event.content.membership === "invite" && membership !== "invite") {
        await this.outputs.retireInvite(uow, room, old.record, record, membership);
      }
    }
  }

  private async historyVisibility(uow: UnitOfWork, stateBefore: StateNids): Promise<string> {
    const loaded = await this.state.eventsOf(uow.q, stateBefore, [HISTORY_VISIBILITY_KEY]);
    // Only the four settings travel on: content may hold anything, U+0000 included, and the
    // readers store this in a column of their own.
    return asHistoryVisibility(loaded.get(HISTORY_VISIBILITY_KEY)?.event.content.history_visibility);
  }
}
