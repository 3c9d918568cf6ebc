import { STREAMS } from "../../internal/eventlog/streams.js";
import type { Receipt } from "../../clientapi/api/edus.js";
import { decodeReceipt } from "../../clientapi/codecs/edus.js";
import type { SyncStore } from "../caches/sync-store.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import { upsertReceipt } from "../storage/receipts.js";

export const RECEIPTS_CONSUMER = "syncapi-receipts";

/** The receipts that move a user's read marker (where unread counts start). */
const READ_MARKERS = new Set(["m.read", "m.read.private"]);

/** Read receipts: the room sees public ones; a private one only its owner. */
export function receiptsConsumer(store: SyncStore): StoreConsumerSpec<Receipt> {
  return {
    stream: STREAMS.outputReceiptEvent,
    durable: RECEIPTS_CONSUMER,
    syncStream: "receipt",
    decode: decodeReceipt,
    apply: eachInOrder(async (tx, r) => {
      const position = await upsertReceipt(tx, {
        roomId: r.roomId,
        receiptType: r.receiptType,
        userId: r.userId,
        threadId: r.threadId,
        eventId: r.eventId,
        ts: r.timestampMs,
      });
      return [
        (n) => {
          if (READ_MARKERS.has(r.receiptType)) store.readMarkers.moved(r.userId, r.roomId);
          n.advance("receipt", position);
          if (r.receiptType === "m.read.private") n.wakeUsers([r.userId]);
          else n.wakeRoom(r.roomId);
        },
      ];
    }),
  };
}
