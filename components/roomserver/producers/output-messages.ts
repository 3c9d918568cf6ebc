import { subjectToken } from "../../internal/eventlog/subjects.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import type { OutputRoomEvent } from "../api/output.js";
import { encodeOutputRoomEvent } from "../codecs/output-room-event.js";

/** One output message: its subject (per room, so a room's outputs stay in order) and dedupe ID. */
export interface OutputMessage {
  subject: string;
  msgId: string;
  payload: Uint8Array;
}

export function outputSubject(roomId: string): string {
  return `${STREAMS.outputRoomEvent}.${subjectToken(roomId)}`;
}

/**
 * Encodes an output. The message ID names the change (the event and what kind of output),
 * so a republish after a crash is recognised as the same message.
 */
export function outputMessage(change: string, output: OutputRoomEvent): OutputMessage {
  return { subject: outputSubject(output.roomId), msgId: change, payload: encodeOutputRoomEvent(output) };
}
