import { KeyChangeEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { KeyChange } from "../api/log-messages.js";

/** OutputKeyChangeEvent's bytes: the edu.v1 KeyChangeEvent message. */
export function encodeKeyChange({ userId, deviceId, deleted, keyCountsChanged }: KeyChange): Uint8Array {
  return KeyChangeEvent.encode({ userId, deviceId, deleted, keyCountsChanged }).finish();
}

export function decodeKeyChange(data: Uint8Array): KeyChange {
  const { userId, deviceId, deleted, keyCountsChanged } = KeyChangeEvent.decode(data);
  return { userId, deviceId, deleted, keyCountsChanged };
}
