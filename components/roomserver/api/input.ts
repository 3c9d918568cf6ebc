import type { PerformError } from "./perform.js";

/**
 * The InputRoomEvent log's messages as the project's own types: what writers hand the
 * roomserver (producers/input-producer.ts publishes them, codecs/input-room-event.ts is the
 * wire form of proto/dendrite/roomserver/v1/input.proto) and the verdict they get back.
 */

/** Identifies the client request that made an event, so the sender's device sees its echo. */
export interface TransactionId {
  userId: string;
  deviceId: string;
  transactionId: string;
}

/**
 * new: at the edge of the room's DAG, auth-checked against its auth events, the state before
 * it and (soft-fail) the current state. outlier: known without its state, checked against its
 * auth events only. old: backfilled history, stored with its state, never current state.
 */
export type InputKind = "new" | "outlier" | "old";

/**
 * An event for the roomserver to complete and sign at the room's edge as it stands when the
 * input is applied, so concurrent sends chain instead of forking.
 */
export interface EventTemplate {
  roomId: string;
  type: string;
  sender: string;
  stateKey?: string | undefined;
  /** The content object as (canonical) JSON text. */
  contentJson: string;
  /** The redacted event, for m.room.redaction ("" otherwise). */
  redacts: string;
  /** The request across retries: each template ID is completed once. */
  templateId: string;
}

export interface InputRoomEvent {
  kind: InputKind;
  /**
   * The event JSON as built or received, as bytes: the size limit and the hashes are about
   * them, and they come off the log this way. Empty when the input is a template.
   */
  eventJson: Uint8Array;
  roomVersion: string;
  /** The server that gave us the event (ours for events made here). */
  origin: string;
  transactionId?: TransactionId | undefined;
  /** Instead of eventJson: an event for the roomserver to complete (kind must be new). */
  template?: EventTemplate | undefined;
}

/**
 * accepted: stored and part of the room (perhaps soft-failed). rejected: stored as rejected
 * by the auth rules. invalid: not stored (malformed, bad signature, missing references).
 */
export type InputOutcome = "accepted" | "rejected" | "invalid";

/** The roomserver's answer to a writer that waits. */
export interface InputVerdict {
  eventId: string;
  outcome: InputOutcome;
  softFailed: boolean;
  /** Why it was rejected or invalid, naming the rule or field. */
  reason: string;
  /** The event was already stored before this input; nothing changed. */
  alreadyKnown: boolean;
  /** Why a template did not become an event, as the client should see it. */
  refusal?: PerformError | undefined;
}

/** How a writer hands the roomserver events: implemented by producers/input-producer.ts. */
export interface SubmitOptions {
  kind?: InputKind;
  origin: string;
  transactionId?: TransactionId;
  timeoutMs?: number;
  /** Deduplication ID of the input; by default the event ID and kind. */
  msgId?: string;
}
