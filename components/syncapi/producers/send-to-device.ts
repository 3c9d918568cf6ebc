import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import type { SendToDeviceMessage } from "../api/log-messages.js";
import { encodeSendToDevice } from "../codecs/send-to-device.js";

/**
 * Puts a to-device message on the to-device log under its recipient, with its message ID as
 * the log's message ID: a retried transaction's republish is dropped by the log (and a late
 * one by the store's unique ID).
 */
export function publishSendToDevice(log: EventLog, message: SendToDeviceMessage): Promise<void> {
  return log
    .publish(`${STREAMS.outputSendToDeviceEvent}.${subjectToken(message.userId)}`, encodeSendToDevice(message), {
      msgId: message.messageId,
    })
    .then(() => {});
}
