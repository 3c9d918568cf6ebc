import { serverNameOf, type RoomEvent } from "../../protocol/index.js";
import type { TransactionId } from "../api/input.js";
import type { OutputRoomEvent } from "../api/output.js";
import { outputMessage } from "./output-messages.js";
import type { OutboxPublisher } from "./outbox-publisher.js";
import type { EventRecord } from "../storage/events.js";
import type { RoomRecord } from "../storage/rooms.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import type { LoadedEvent } from "../state/event-store.js";

/** Writes the roomserver's outputs into the outbox, in the transaction of their change. */
export class OutputWriter {
  constructor(
    private readonly outbox: OutboxPublisher,
    private readonly serverName: string,
  ) {}

  async write(uow: UnitOfWork, change: string, output: OutputRoomEvent): Promise<void> {
    const msg = outputMessage(change, output);
    await this.outbox.add(uow, msg.subject, msg.msgId, msg.payload);
  }

  async newEvent(
    uow: UnitOfWork,
    room: RoomRecord,
    loaded: LoadedEvent,
    fields: {
      adds: EventRecord[];
      removes: EventRecord[];
      latestEventIds: string[];
      rewritesState: boolean;
      historyVisibility: string;
      transactionId: TransactionId | undefined;
    },
  ): Promise<void> {
    const { record } = loaded;
    await this.write(uow, `${record.eventId}|new`, {
      kind: "new",
      eventId: record.eventId,
      roomId: room.roomId,
      roomVersion: room.roomVersion,
      eventJson: record.json,
      addedState: fields.adds.map((e) => ({ eventId: e.eventId, eventJson: e.json })),
      removedStateEventIds: fields.removes.map((e) => e.eventId),
      latestEventIds: fields.latestEventIds,
      lastSentEventId: room.lastSentEventId,
      rewritesState: fields.rewritesState,
      transactionId: fields.transactionId,
      historyVisibility: fields.historyVisibility,
    });
  }

  async oldEvent(uow: UnitOfWork, room: RoomRecord, loaded: LoadedEvent): Promise<void> {
    const { record } = loaded;
    await this.write(uow, `${record.eventId}|old`, {
      kind: "old",
      eventId: record.eventId,
      roomId: room.roomId,
      roomVersion: room.roomVersion,
      eventJson: record.json,
    });
  }

  /** An invite of one of our users (also for invites held only as outliers). */
  async inviteIfLocal(uow: UnitOfWork, room: RoomRecord, record: EventRecord, event: RoomEvent): Promise<void> {
    if (record.status !== "accepted" || event.type !== "m.room.member" || event.content.membership !== "invite") return;
    const target = event.stateKey!;
    if (serverNameOf(target) !== this.serverName) return;
    await this.write(uow, `${record.eventId}|invite`, {
      kind: "invite",
      eventId: record.eventId,
      roomId: room.roomId,
      roomVersion: room.roomVersion,
      targetUserId: target,
      eventJson: record.json,
    });
  }

  async retireInvite(uow: UnitOfWork, room: RoomRecord, invite: EventRecord, by: EventRecord, membership: string): Promise<void> {
    await this.write(uow, `${invite.eventId}|retired`, {
      kind: "retire-invite",
      eventId: invite.eventId,
      roomId: room.roomId,
      targetUserId: invite.stateKey!,
      membership,
      retiredByEventId: by.eventId,
    });
  }

  async redacted(uow: UnitOfWork, room: RoomRecord, target: EventRecord, redaction: EventRecord, redactedJson: string): Promise<void> {
    await this.write(uow, `${target.eventId}|redacted`, {
      kind: "redacted",
      roomId: room.roomId,
      redactedEventId: target.eventId,
      redactionEventJson: redaction.json,
      redactedEventJson: redactedJson,
    });
  }
}
