import * as wire from "../../../proto/gen/dendrite/roomserver/v1/output.js";
import type { TransactionId } from "../api/input.js";
import type { AddedStateEvent, OutputRoomEvent } from "../api/output.js";

const text = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
const bytes = (json: string) => Buffer.from(json, "utf8");

/** The wire form of an output (proto/dendrite/roomserver/v1/output.proto). */
export function encodeOutputRoomEvent(output: OutputRoomEvent): Uint8Array {
  return wire.OutputRoomEvent.encode(toWire(output)).finish();
}

/**
 * An output read from the log; null for a kind this version does not know (a newer
 * roomserver's), which readers skip.
 */
export function decodeOutputRoomEvent(data: Uint8Array): OutputRoomEvent | null {
  return fromWire(wire.OutputRoomEvent.decode(data));
}

function toWire(output: OutputRoomEvent): wire.OutputRoomEvent {
  switch (output.kind) {
    case "new":
      return {
        payload: {
          $case: "newRoomEvent",
          value: {
            eventId: output.eventId,
            roomId: output.roomId,
            roomVersion: output.roomVersion,
            eventJson: bytes(output.eventJson),
            addsStateEventIds: output.addedState.map((e) => e.eventId),
            removesStateEventIds: output.removedStateEventIds,
            // The event's own JSON travels once, in eventJson.
            addedStateEventsJson: output.addedState.filter((e) => e.eventId !== output.eventId).map((e) => bytes(e.eventJson)),
            latestEventIds: output.latestEventIds,
            lastSentEventId: output.lastSentEventId,
            rewritesState: output.rewritesState,
            transactionId: output.transactionId,
            historyVisibility: output.historyVisibility,
          },
        },
      };
    case "old":
      return {
        payload: {
          $case: "oldRoomEvent",
          value: { eventId: output.eventId, roomId: output.roomId, roomVersion: output.roomVersion, eventJson: bytes(output.eventJson) },
        },
      };
    case "redacted":
      return {
        payload: {
          $case: "redactedEvent",
          value: {
            roomId: output.roomId,
            redactedEventId: output.redactedEventId,
            redactionEventJson: bytes(output.redactionEventJson),
            redactedEventJson: bytes(output.redactedEventJson),
          },
        },
      };
    case "invite":
      return {
        payload: {
          $case: "newInviteEvent",
          value: {
            eventId: output.eventId,
            roomId: output.roomId,
            roomVersion: output.roomVersion,
            targetUserId: output.targetUserId,
            eventJson: bytes(output.eventJson),
          },
        },
      };
    case "retire-invite":
      return {
        payload: {
          $case: "retireInviteEvent",
          value: {
            eventId: output.eventId,
            roomId: output.roomId,
            targetUserId: output.targetUserId,
            membership: output.membership,
            retiredByEventId: output.retiredByEventId,
          },
        },
      };
  }
}

function fromWire(message: wire.OutputRoomEvent): OutputRoomEvent | null {
  const payload = message.payload;
  switch (payload?.$case) {
    case "newRoomEvent": {
      const v = payload.value;
      const eventJson = text(v.eventJson);
      const others = v.addedStateEventsJson;
      let next = 0;
      const addedState: AddedStateEvent[] = [];
      for (const eventId of v.addsStateEventIds) {
        if (eventId === v.eventId) addedState.push({ eventId, eventJson });
        else if (next < others.length) addedState.push({ eventId, eventJson: text(others[next++]!) });
      }
      return {
        kind: "new",
        eventId: v.eventId,
        roomId: v.roomId,
        roomVersion: v.roomVersion,
        eventJson,
        addedState,
        removedStateEventIds: v.removesStateEventIds,
        latestEventIds: v.latestEventIds,
        lastSentEventId: v.lastSentEventId,
        rewritesState: v.rewritesState,
        transactionId: transactionIdOf(v.transactionId),
        historyVisibility: v.historyVisibility,
      };
    }
    case "oldRoomEvent": {
      const v = payload.value;
      return { kind: "old", eventId: v.eventId, roomId: v.roomId, roomVersion: v.roomVersion, eventJson: text(v.eventJson) };
    }
    case "redactedEvent": {
      const v = payload.value;
      return {
        kind: "redacted",
        roomId: v.roomId,
        redactedEventId: v.redactedEventId,
        redactionEventJson: text(v.redactionEventJson),
        redactedEventJson: text(v.redactedEventJson),
      };
    }
    case "newInviteEvent": {
      const v = payload.value;
      return {
        kind: "invite",
        eventId: v.eventId,
        roomId: v.roomId,
        roomVersion: v.roomVersion,
        targetUserId: v.targetUserId,
        eventJson: text(v.eventJson),
      };
    }
    case "retireInviteEvent": {
      const v = payload.value;
      return {
        kind: "retire-invite",
        eventId: v.eventId,
        roomId: v.roomId,
        targetUserId: v.targetUserId,
        membership: v.membership,
        retiredByEventId: v.retiredByEventId,
      };
    }
    default:
      return null;
  }
}

function transactionIdOf(id: TransactionId | undefined): TransactionId | undefined {
  return id ? { userId: id.userId, deviceId: id.deviceId, transactionId: id.transactionId } : undefined;
}
