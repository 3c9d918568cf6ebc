import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import { encodeCanonicalJson, type RoomEvent } from "../../protocol/index.js";
import type { EventTemplate, InputRoomEvent, InputVerdict, SubmitOptions, TransactionId } from "../api/input.js";
import { decodeInputVerdict, encodeInputRoomEvent } from "../codecs/input-room-event.js";

/** How long a writer waits for the roomserver's verdict by default. */
export const DEFAULT_VERDICT_TIMEOUT_MS = 30_000;

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
  const kind = options.kind ?? "new";
  const input: InputRoomEvent = {
    kind,
    eventJson: Buffer.from(encodeCanonicalJson(event.json)),
    roomVersion: event.roomVersion.id,
    origin: options.origin,
    transactionId: options.transactionId,
  };
  const answer = await log.publishAndWait(
    inputSubject(event.roomId),
    encodeInputRoomEvent(input),
    options.timeoutMs ?? DEFAULT_VERDICT_TIMEOUT_MS,
    { msgId: options.msgId ?? `${event.eventId}|${WIRE_KIND_NUMBER[kind]}` },
  );
  return decodeInputVerdict(answer);
}

/**
 * The kind as the default message ID has always named it (the proto enum's number), so an
 * input published before this code and republished after it is still one message.
 */
const WIRE_KIND_NUMBER = { new: 1, outlier: 2, old: 3 } as const;

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
    kind: "new",
    eventJson: Buffer.alloc(0),
    roomVersion: "",
    origin: options.origin,
    transactionId: options.transactionId,
    template,
  };
  const answer = await log.publishAndWait(
    inputSubject(template.roomId),
    encodeInputRoomEvent(input),
    options.timeoutMs ?? DEFAULT_VERDICT_TIMEOUT_MS,
    { unacknowledged: true },
  );
  return decodeInputVerdict(answer);
}
