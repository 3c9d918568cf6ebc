import type { TransactionId } from "./input.js";

/**
 * What the roomserver announces on the OutputRoomEvent log after committing a change, as
 * the project's own types (codecs/output-room-event.ts encodes and decodes them; the wire
 * form is proto/dendrite/roomserver/v1/output.proto). Event JSON is the stored text:
 * signatures cover it, so it is never re-encoded, and each reader parses it once.
 */
export type OutputRoomEvent = NewRoomEventOutput | OldRoomEventOutput | RedactedEventOutput | NewInviteOutput | RetireInviteOutput;

/** A state event the new event added to the room's current state. */
export interface AddedStateEvent {
  eventId: string;
  eventJson: string;
}

/** A new event at the edge of the room, with the change it made to the current state. */
export interface NewRoomEventOutput {
  kind: "new";
  eventId: string;
  roomId: string;
  roomVersion: string;
  eventJson: string;
  /**
   * State events added to the current state, with their JSON (the event itself among them
   * when it is state), so readers need no query to apply the change.
   */
  addedState: AddedStateEvent[];
  removedStateEventIds: string[];
  /** The room's forward extremities after this event. */
  latestEventIds: string[];
  /** The event of the previous new-event output for this room ("" for the first). */
  lastSentEventId: string;
  /** The current state was replaced wholesale (a resolution): addedState/removed are the full difference. */
  rewritesState: boolean;
  /** Set when the event came from a client request of ours (for the echo to its device). */
  transactionId: TransactionId | undefined;
  /** The history visibility in force for this event (from the state before it). */
  historyVisibility: string;
}

/** A backfilled event: history, not a change to the room's current state. */
export interface OldRoomEventOutput {
  kind: "old";
  eventId: string;
  roomId: string;
  roomVersion: string;
  eventJson: string;
}

/** An event was redacted: readers replace their copy with the redacted form. */
export interface RedactedEventOutput {
  kind: "redacted";
  roomId: string;
  redactedEventId: string;
  redactionEventJson: string;
  /** The redacted event's JSON after the redaction algorithm. */
  redactedEventJson: string;
}

/** A user of ours was invited (also sent for invites held only as outliers). */
export interface NewInviteOutput {
  kind: "invite";
  eventId: string;
  roomId: string;
  roomVersion: string;
  targetUserId: string;
  eventJson: string;
}

/** An invite stopped being pending: joined, left, kicked, banned or rejected. */
export interface RetireInviteOutput {
  kind: "retire-invite";
  eventId: string;
  roomId: string;
  targetUserId: string;
  membership: string;
  retiredByEventId: string;
}
