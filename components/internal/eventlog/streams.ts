/** The streams of the design (docs/architecture.md, "eventlog"); each process declares them at start. */
export const STREAMS = {
  inputRoomEvent: "InputRoomEvent",
  outputRoomEvent: "OutputRoomEvent",
  outputClientData: "OutputClientData",
  outputTypingEvent: "OutputTypingEvent",
  outputReceiptEvent: "OutputReceiptEvent",
  outputSendToDeviceEvent: "OutputSendToDeviceEvent",
  outputKeyChangeEvent: "OutputKeyChangeEvent",
  outputPresenceEvent: "OutputPresenceEvent",
  /** Access tokens the userapi revoked; token caches follow it with plain subscriptions. */
  outputTokenRevocation: "OutputTokenRevocation",
} as const;

export const ALL_STREAMS: readonly string[] = Object.values(STREAMS);
