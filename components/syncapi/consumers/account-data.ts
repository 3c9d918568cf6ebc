import { STREAMS } from "../../internal/eventlog/streams.js";
import { AccountDataEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { SyncStore } from "../caches/sync-store.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import { upsertAccountData } from "../storage/account-data.js";

export const ACCOUNT_DATA_CONSUMER = "syncapi-accountdata";

/** A user's account data; a removal is kept as empty content, which is how sync reports it. */
export function accountDataConsumer(store: SyncStore): StoreConsumerSpec<AccountDataEvent> {
  return {
    stream: STREAMS.outputClientData,
    durable: ACCOUNT_DATA_CONSUMER,
    syncStream: "accountData",
    decode: (data) => AccountDataEvent.decode(data),
    apply: eachInOrder(async (tx, a) => {
      const content = Buffer.from(a.contentJson).toString("utf8") || "{}";
      const position = await upsertAccountData(tx, a.userId, a.roomId, a.type, content);
      return [
        (n) => {
          store.ignoredUsers.written(a.userId, a.roomId, a.type);
          n.advance("accountData", position);
          n.wakeUsers([a.userId]);
        },
      ];
    }),
  };
}
