import { STREAMS } from "../../internal/eventlog/streams.js";
import { ReceiptEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { SyncStore } from "../storage/store.js";
import type { StoreConsumerSpec } from "./store-consumer.js";

export const RECEIPTS_CONSUMER = "syncapi-receipts";

/** Read receipts: the room sees public ones; a private one only its owner. */
export function receiptsConsumer(store: SyncStore): StoreConsumerSpec<ReceiptEvent> {
  return {
    stream: STREAMS.outputReceiptEvent,
    durable: RECEIPTS_CONSUMER,
    syncStream: "receipt",
    decode: (data) => ReceiptEvent.decode(data),
    async apply(tx, r) {
      const position = await store.receipts.upsert(tx, {
        roomId: r.roomId,
        receiptType: r.receiptType,
        userId: r.userId,
        threadId: r.threadId,
        eventId: r.eventId,
        ts: r.timestampMs,
      });
      return [
        (n) => {
          n.advance("receipt", position);
          if (r.receiptType === "m.read.private") n.wakeUsers([r.userId]);
          else n.wakeRoom(r.roomId);
        },
      ];
    },
  };
}
