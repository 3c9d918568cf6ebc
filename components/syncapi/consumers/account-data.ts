import { STREAMS } from "../../internal/eventlog/streams.js";
import type { AccountDataChange } from "../../clientapi/api/edus.js";
import { decodeAccountData } from "../../clientapi/codecs/edus.js";
import type { SyncStore } from "../caches/sync-store.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import { upsertAccountData } from "../storage/account-data.js";

export const ACCOUNT_DATA_CONSUMER = "syncapi-accountdata";

/** A user's account data; a removal is kept as empty content, which is how sync reports it. */
export function accountDataConsumer(store: SyncStore): StoreConsumerSpec<AccountDataChange> {
  return {
    stream: STREAMS.outputClientData,
    durable: ACCOUNT_DATA_CONSUMER,
    syncStream: "accountData",
    decode: decodeAccountData,
    apply: eachInOrder(async (tx, a) => {
      // Global account data is stored under the room "".
      const roomId = a.roomId ?? "";
      const content = a.content === null ? "{}" : JSON.stringify(a.content);
      const position = await upsertAccountData(tx, a.userId, roomId, a.type, content);
      return [
        (n) => {
          store.ignoredUsers.written(a.userId, roomId, a.type);
          n.advance("accountData", position);
          n.wakeUsers([a.userId]);
        },
      ];
    }),
  };
}
