import { AccountDataEvent, ReceiptEvent, TypingEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { AccountDataChange, Receipt, TypingNotice } from "../api/edus.js";

/**
 * The bytes of the clientapi's log messages (proto/dendrite/edu/v1/edu.proto) and back: the
 * producer encodes with these, readers decode with them, and the generated types stay here.
 */

export function encodeTyping(notice: TypingNotice): Uint8Array {
  return TypingEvent.encode({ ...notice }).finish();
}

export function decodeTyping(bytes: Uint8Array): TypingNotice {
  const { roomId, userId, typing, expiresAtMs } = TypingEvent.decode(bytes);
  return { roomId, userId, typing, expiresAtMs };
}

export function encodeReceipt(receipt: Receipt): Uint8Array {
  return ReceiptEvent.encode({ ...receipt }).finish();
}

export function decodeReceipt(bytes: Uint8Array): Receipt {
  const { roomId, userId, eventId, receiptType, timestampMs, threadId } = ReceiptEvent.decode(bytes);
  return { roomId, userId, eventId, receiptType, timestampMs, threadId };
}

/** On the wire global account data has the room "" and a removal empty content. */
export function encodeAccountData(change: AccountDataChange): Uint8Array {
  const contentJson = Buffer.from(change.content === null ? "" : JSON.stringify(change.content));
  return AccountDataEvent.encode({ userId: change.userId, roomId: change.roomId ?? "", type: change.type, contentJson }).finish();
}

export function decodeAccountData(bytes: Uint8Array): AccountDataChange {
  const { userId, roomId, type, contentJson } = AccountDataEvent.decode(bytes);
  const text = Buffer.from(contentJson).toString("utf8");
  const content = text === "" ? null : (JSON.parse(text) as Record<string, unknown>);
  return { userId, roomId: roomId === "" ? undefined : roomId, type, content };
}
