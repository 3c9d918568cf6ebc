import { STREAMS } from "../../internal/eventlog/streams.js";
import { serverNameOf } from "../../protocol/index.js";
import type { UserApi } from "../../userapi/api/userapi.js";
import type { SendToDeviceMessage } from "../api/log-messages.js";
import { decodeSendToDevice } from "../codecs/send-to-device.js";
import type { SyncStore } from "../caches/sync-store.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import { insertToDevice } from "../storage/send-to-device.js";

export const SEND_TO_DEVICE_CONSUMER = "syncapi-sendtodevice";

/**
 * To-device messages, one row per receiving device: a message for "*" is copied to every
 * device the user has now, so each device's copy is deleted when that device acknowledges it.
 * Messages for users of other servers are not this server's to deliver: they stay in the
 * log for the federation sender, a consumer of the same stream (as in Dendrite), and this
 * one passes them by.
 */
export function sendToDeviceConsumer(
  store: SyncStore,
  userApi: () => UserApi,
  serverName: string,
): StoreConsumerSpec<SendToDeviceMessage & { devices: string[] }> {
  const isLocal = (userId: string) => serverNameOf(userId) === serverName;
  return {
    stream: STREAMS.outputSendToDeviceEvent,
    durable: SEND_TO_DEVICE_CONSUMER,
    syncStream: "toDevice",
    decode: (data) => ({ ...decodeSendToDevice(data), devices: [] }),
    async prepare(m) {
      if (!isLocal(m.userId)) return m;
      const devices = m.deviceId === "*" ? (await userApi().devices.listDevices(m.userId)).map((d) => d.deviceId) : [m.deviceId];
      return { ...m, devices };
    },
    apply: eachInOrder(async (tx, m) => {
      const devices = m.devices;
      const content = m.content || "{}";
      let last = 0;
      for (const deviceId of devices) {
        const position = await insertToDevice(tx, {
          userId: m.userId,
          deviceId,
          sender: m.sender,
          type: m.type,
          content,
          messageId: m.messageId,
        });
        if (position !== null) last = position;
      }
      if (last === 0) return [];
      return [(n) => (n.advance("toDevice", last), n.wakeUsers([m.userId]))];
    }),
  };
}
