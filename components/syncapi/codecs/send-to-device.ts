import { SendToDeviceEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { SendToDeviceMessage } from "../api/log-messages.js";

/** OutputSendToDeviceEvent's bytes: the edu.v1 SendToDeviceEvent message (content as JSON bytes). */
export function encodeSendToDevice({ sender, userId, deviceId, type, content, messageId }: SendToDeviceMessage): Uint8Array {
  return SendToDeviceEvent.encode({ sender, userId, deviceId, type, contentJson: Buffer.from(content), messageId }).finish();
}

export function decodeSendToDevice(data: Uint8Array): SendToDeviceMessage {
  const { sender, userId, deviceId, type, contentJson, messageId } = SendToDeviceEvent.decode(data);
  return { sender, userId, deviceId, type, content: Buffer.from(contentJson).toString("utf8"), messageId };
}
