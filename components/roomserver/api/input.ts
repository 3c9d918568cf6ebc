import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import type { RoomEvent } from "../../protocol/events/event.js";
import { encodeCanonicalJson } from "../../protocol/json/canonical.js";
import {
  EventTemplate,
  InputKind,
  InputRoomEvent,
  InputVerdict,
  type TransactionId,
} from "../../../proto/gen/dendrite/roomserver/v1/input.js";

/** How long a writer waits for the roomserver's verdict by default. */
export const DEFAULT_VERDICT_TIMEOUT_MS = 30_000;

export interface SubmitOptions {
  kind?: InputKind;
  origin: string;
  transactionId?: TransactionId;
  timeoutMs?: number;
  /** Deduplication ID of the input; by default the event ID and kind. */
  msgId?: string;
}

/** The InputRoomEvent subject of a room: one per room, so a room's inputs stay in order. */
export function inputSubject(roomId: string): string {
  return `${STREAMS.inputRoomEvent}.${subjectToken(roomId)}`;
}

/**
 * How a writer hands an event to the roomserver: on the input log, waiting for the
 * verdict. Rejects with TimeoutError if the roomserver does not answer in time (the input
 * stays in the log and is still applied).
 */
export async function submitEvent(log: EventLog, event: RoomEvent, options: SubmitOptions): Promise<InputVerdict> {
  const kind = options.kind ?? InputKind.INPUT_KIND_NEW;
  const input: InputRoomEvent = {
    kind,
    eventJson: Buffer.from(encodeCanonicalJson(event.json)),
    roomVersion: event.roomVersion.id,
    origin: options.origin,
    transactionId: options.transactionId,
  };
  const answer = await log.publishAndWait(
    inputSubject(event.roomId),
    InputRoomEvent.encode(input).finish(),
    options.timeoutMs ?? DEFAULT_VERDICT_TIMEOUT_MS,
    { msgId: options.msgId ?? `${event.eventId}|${kind}` },
  );
  return InputVerdict.decode(answer);
}

/**
 * How a writer hands the roomserver an event to complete (see EventTemplate in input.proto),
 * waiting for the verdict. Without a message ID: a retried template must reach the
 * roomserver to be answered (with the first one's event), not be dropped by the log as a
 * duplicate; the template ID is what makes it happen once. And without the log's
 * acknowledgement: the verdict says more, and comes after the commit (one message less
 * per send for the log and the writer).
 */
export async function submitTemplate(
  log: EventLog,
  template: EventTemplate,
  options: { origin: string; transactionId?: TransactionId; timeoutMs?: number },
): Promise<InputVerdict> {
  const input: InputRoomEvent = {
    kind: InputKind.INPUT_KIND_NEW,
    eventJson: Buffer.alloc(0),
    roomVersion: "",
    origin: options.origin,
    transactionId: options.transactionId,
    template,
  };
  const answer = await log.publishAndWait(
    inputSubject(template.roomId),
    InputRoomEvent.encode(input).finish(),
    options.timeoutMs ?? DEFAULT_VERDICT_TIMEOUT_MS,
    { unacknowledged: true },
  );
  return InputVerdict.decode(answer);
}
