import * as wire from "../../../proto/gen/dendrite/roomserver/v1/input.js";
import type { InputKind, InputOutcome, InputRoomEvent, InputVerdict } from "../api/input.js";

const KIND_TO_WIRE: Record<InputKind, wire.InputKind> = {
  new: wire.InputKind.INPUT_KIND_NEW,
  outlier: wire.InputKind.INPUT_KIND_OUTLIER,
  old: wire.InputKind.INPUT_KIND_OLD,
};
const OUTCOME_TO_WIRE: Record<InputOutcome, wire.InputOutcome> = {
  accepted: wire.InputOutcome.INPUT_OUTCOME_ACCEPTED,
  rejected: wire.InputOutcome.INPUT_OUTCOME_REJECTED,
  invalid: wire.InputOutcome.INPUT_OUTCOME_INVALID,
};

/** The wire form of an input (proto/dendrite/roomserver/v1/input.proto). */
export function encodeInputRoomEvent(input: InputRoomEvent): Uint8Array {
  const { template } = input;
  return wire.InputRoomEvent.encode({
    ...input,
    kind: KIND_TO_WIRE[input.kind],
    eventJson: Buffer.from(input.eventJson.buffer, input.eventJson.byteOffset, input.eventJson.byteLength),
    template: template && { ...template, contentJson: Buffer.from(template.contentJson, "utf8") },
  }).finish();
}

/**
 * An input read from the log; null when it is not a valid InputRoomEvent, or is a template of
 * another kind than new. An event whose kind is unset (proto3's default) is a new one.
 */
export function decodeInputRoomEvent(data: Uint8Array): InputRoomEvent | null {
  let message: wire.InputRoomEvent;
  try {
    message = wire.InputRoomEvent.decode(data);
  } catch {
    return null;
  }
  const { template } = message;
  if (template && message.kind !== wire.InputKind.INPUT_KIND_NEW) return null;
  const kind = kindOf(message.kind);
  return {
    kind,
    eventJson: message.eventJson,
    roomVersion: message.roomVersion,
    origin: message.origin,
    transactionId: message.transactionId,
    template: template && { ...template, contentJson: Buffer.from(template.contentJson).toString("utf8") },
  };
}

export function encodeInputVerdict(verdict: InputVerdict): Uint8Array {
  return wire.InputVerdict.encode({ ...verdict, outcome: OUTCOME_TO_WIRE[verdict.outcome] }).finish();
}

/** A verdict read from a reply; an unspecified outcome (no roomserver sends one) counts as invalid. */
export function decodeInputVerdict(data: Uint8Array): InputVerdict {
  const message = wire.InputVerdict.decode(data);
  return { ...message, outcome: outcomeOf(message.outcome) };
}

function kindOf(kind: wire.InputKind): InputKind {
  switch (kind) {
    case wire.InputKind.INPUT_KIND_OUTLIER:
      return "outlier";
    case wire.InputKind.INPUT_KIND_OLD:
      return "old";
    default:
      return "new";
  }
}

function outcomeOf(outcome: wire.InputOutcome): InputOutcome {
  switch (outcome) {
    case wire.InputOutcome.INPUT_OUTCOME_ACCEPTED:
      return "accepted";
    case wire.InputOutcome.INPUT_OUTCOME_REJECTED:
      return "rejected";
    default:
      return "invalid";
  }
}
