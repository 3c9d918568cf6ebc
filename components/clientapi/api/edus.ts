/**
 * What the clientapi announces on the event log besides room events, in the project's own
 * types: readers (the syncapi, later federation out) decode them with codecs/edus.ts.
 */

/** OutputTypingEvent.<room>: a user started or stopped typing in a room. */
export interface TypingNotice {
  readonly roomId: string;
  readonly userId: string;
  readonly typing: boolean;
  /** When typing stops by itself (ms since the epoch); 0 when `typing` is false. */
  readonly expiresAtMs: number;
}

/** OutputReceiptEvent.<room>: a user's receipt on an event of the room. */
export interface Receipt {
  readonly roomId: string;
  readonly userId: string;
  readonly eventId: string;
  /** "m.read" or "m.read.private" (m.fully_read is account data, not a receipt). */
  readonly receiptType: string;
  readonly timestampMs: number;
  /** "" for an unthreaded receipt. */
  readonly threadId: string;
}

/** OutputClientData.<user>: one piece of a user's account data changed. */
export interface AccountDataChange {
  readonly userId: string;
  /** Undefined for global account data. */
  readonly roomId: string | undefined;
  readonly type: string;
  /** The new content; null when the account data was removed. */
  readonly content: Record<string, unknown> | null;
}
