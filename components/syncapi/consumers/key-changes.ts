import { STREAMS } from "../../internal/eventlog/streams.js";
import type { KeyChange } from "../../userapi/api/log-messages.js";
import { decodeKeyChange } from "../../userapi/codecs/key-change.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import { insertKeyChange } from "../storage/key-changes.js";
import type { KeyCountsCache } from "../caches/key-counts.js";

export const KEY_CHANGES_CONSUMER = "syncapi-keychanges";

/**
 * Device-key changes, for device_lists.changed of everyone sharing a room with the user;
 * claims of a device's keys wake only the device's owner, whose sync reports new counts.
 * Either way the device's kept key counts are read again.
 */
export function keyChangesConsumer(keyCounts: KeyCountsCache): StoreConsumerSpec<KeyChange> {
  return {
    stream: STREAMS.outputKeyChangeEvent,
    durable: KEY_CHANGES_CONSUMER,
    syncStream: "deviceList",
    decode: decodeKeyChange,
    apply: eachInOrder(async (tx, k) => {
      const position = await insertKeyChange(tx, k.userId, k.deviceId, k.keyCountsChanged);
      return [
        (n) => {
          keyCounts.changed(k.userId, k.deviceId);
          n.advance("deviceList", position);
          n.wakeUsers(k.keyCountsChanged ? [k.userId] : n.usersSharingRooms(k.userId));
        },
      ];
    }),
  };
}
