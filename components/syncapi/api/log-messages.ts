/*
 * The log messages the syncapi produces, as the project's own types (codecs/ turns them
 * into the logs' protobuf bytes). Other components may consume these logs: a federation
 * sender will read both.
 */

/** On OutputPresenceEvent.<user>: a user's presence. */
export interface PresenceUpdate {
  userId: string;
  /** "online", "unavailable" or "offline". */
  presence: string;
  /** "" for none. */
  statusMsg: string;
  lastActiveTs: number;
  currentlyActive: boolean;
  /** The user's client is syncing (the sync API says so). */
  syncing: boolean;
}

/** On OutputSendToDeviceEvent.<recipient>: one to-device message for one device of a user. */
export interface SendToDeviceMessage {
  sender: string;
  userId: string;
  /** "*" for every device of the user. */
  deviceId: string;
  type: string;
  /** The message's content as JSON text. */
  content: string;
  /** Unique per message, so a redelivered message is stored once. */
  messageId: string;
}
