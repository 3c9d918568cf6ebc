/** The streams of the design (../shared/DESIGN.md, "Logs"); each process declares them at start. */
export const STREAMS = {
  inputRoomEvent: "InputRoomEvent",
  outputRoomEvent: "OutputRoomEvent",
  outputClientData: "OutputClientData",
  outputTypingEvent: "OutputTypingEvent",
  outputReceiptEvent: "OutputReceiptEvent",
  outputSendToDeviceEvent: "OutputSendToDeviceEvent",
  outputKeyChangeEvent: "OutputKeyChangeEvent",
  outputPresenceEvent: "OutputPresenceEvent",
} as const;

export const ALL_STREAMS: readonly string[] = Object.values(STREAMS);
