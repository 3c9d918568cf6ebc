import { PresenceEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { PresenceUpdate } from "../api/log-messages.js";

/** OutputPresenceEvent's bytes: the edu.v1 PresenceEvent message. */
export function encodePresence({ userId, presence, statusMsg, lastActiveTs, currentlyActive, syncing }: PresenceUpdate): Uint8Array {
  return PresenceEvent.encode({ userId, presence, statusMsg, lastActiveTs, currentlyActive, syncing }).finish();
}

export function decodePresence(data: Uint8Array): PresenceUpdate {
  const { userId, presence, statusMsg, lastActiveTs, currentlyActive, syncing } = PresenceEvent.decode(data);
  return { userId, presence, statusMsg, lastActiveTs, currentlyActive, syncing };
}
