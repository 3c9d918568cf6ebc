import { STREAMS } from "../../internal/eventlog/streams.js";
import type { KeyChange } from "../../userapi/api/log-messages.js";
import { decodeKeyChange } from "../../userapi/codecs/key-change.js";
import type { SyncStore } from "../storage/store.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";

export const KEY_CHANGES_CONSUMER = "syncapi-keychanges";

/** Device-key changes, for device_lists.changed of everyone sharing a room with the user. */
export function keyChangesConsumer(store: SyncStore): StoreConsumerSpec<KeyChange> {
  return {
    stream: STREAMS.outputKeyChangeEvent,
    durable: KEY_CHANGES_CONSUMER,
    syncStream: "deviceList",
    decode: decodeKeyChange,
    apply: eachInOrder(async (tx, k) => {
      const position = await store.keyChanges.insert(tx, k.userId, k.deviceId);
      return [(n) => (n.advance("deviceList", position), n.wakeUsers(n.usersSharingRooms(k.userId)))];
    }),
  };
}
