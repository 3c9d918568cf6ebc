import { expect } from "chai";
import type { InputRoomEvent, InputVerdict } from "../../components/roomserver/api/input.js";
import type { OutputRoomEvent } from "../../components/roomserver/api/output.js";
import {
  decodeInputRoomEvent,
  decodeInputVerdict,
  encodeInputRoomEvent,
  encodeInputVerdict,
} from "../../components/roomserver/codecs/input-room-event.js";
import { decodeOutputRoomEvent, encodeOutputRoomEvent } from "../../components/roomserver/codecs/output-room-event.js";
import * as input from "../../proto/gen/dendrite/roomserver/v1/input.js";
import * as output from "../../proto/gen/dendrite/roomserver/v1/output.js";

const memberJson = '{"type":"m.room.member","state_key":"@a:x","content":{"membership":"join"}}';
const topicJson = '{"type":"m.room.topic","state_key":"","content":{"topic":"héllo"}}';

describe("roomserver log codecs", () => {
  const outputs: OutputRoomEvent[] = [
    {
      kind: "new",
      eventId: "$member",
      roomId: "!r:x",
      roomVersion: "11",
      eventJson: memberJson,
      addedState: [
        { eventId: "$topic", eventJson: topicJson },
        { eventId: "$member", eventJson: memberJson },
      ],
      removedStateEventIds: ["$oldtopic"],
      latestEventIds: ["$member"],
      lastSentEventId: "$before",
      rewritesState: true,
      transactionId: { userId: "@a:x", deviceId: "D", transactionId: "t1" },
      historyVisibility: "shared",
    },
    { kind: "old", eventId: "$old", roomId: "!r:x", roomVersion: "11", eventJson: topicJson },
    { kind: "redacted", roomId: "!r:x", redactedEventId: "$t", redactionEventJson: "{}", redactedEventJson: topicJson },
    { kind: "invite", eventId: "$i", roomId: "!r:x", roomVersion: "10", targetUserId: "@b:x", eventJson: memberJson },
    { kind: "retire-invite", eventId: "$i", roomId: "!r:x", targetUserId: "@b:x", membership: "join", retiredByEventId: "$j" },
  ];

  it("decodes every output kind to what was encoded", () => {
    for (const o of outputs) expect(decodeOutputRoomEvent(encodeOutputRoomEvent(o)), o.kind).to.deep.equal(o);
  });

  it("sends a new event's own JSON once: the added state's JSON lists only the other events", () => {
    const wire = output.OutputRoomEvent.decode(encodeOutputRoomEvent(outputs[0]!));
    expect(wire.payload?.$case).to.equal("newRoomEvent");
    if (wire.payload?.$case !== "newRoomEvent") return;
    expect(wire.payload.value.addsStateEventIds).to.deep.equal(["$topic", "$member"]);
    expect(wire.payload.value.addedStateEventsJson.map((b) => Buffer.from(b).toString("utf8"))).to.deep.equal([topicJson]);
  });

  it("skips an output of a kind it does not know", () => {
    expect(decodeOutputRoomEvent(output.OutputRoomEvent.encode({ payload: undefined }).finish())).to.equal(null);
  });

  it("round-trips inputs and verdicts, templates with their content as text", () => {
    const event: InputRoomEvent = {
      kind: "outlier",
      eventJson: Buffer.from(memberJson),
      roomVersion: "11",
      origin: "x",
      transactionId: undefined,
      template: undefined,
    };
    expect(decodeInputRoomEvent(encodeInputRoomEvent(event))).to.deep.include({ kind: "outlier", roomVersion: "11", origin: "x" });
    expect(Buffer.from(decodeInputRoomEvent(encodeInputRoomEvent(event))!.eventJson).toString("utf8")).to.equal(memberJson);
    const template: InputRoomEvent = {
      kind: "new",
      eventJson: Buffer.alloc(0),
      roomVersion: "",
      origin: "x",
      transactionId: { userId: "@a:x", deviceId: "D", transactionId: "t" },
      template: {
        roomId: "!r:x",
        type: "m.room.message",
        sender: "@a:x",
        stateKey: undefined,
        contentJson: '{"body":"é"}',
        redacts: "",
        templateId: "T",
      },
    };
    expect(decodeInputRoomEvent(encodeInputRoomEvent(template))).to.deep.include({
      template: template.template,
      transactionId: template.transactionId,
    });
    const verdict: InputVerdict = {
      eventId: "$e",
      outcome: "rejected",
      softFailed: false,
      reason: "no",
      alreadyKnown: false,
      refusal: undefined,
    };
    expect(decodeInputVerdict(encodeInputVerdict(verdict))).to.deep.equal(verdict);
  });

  it("reads an unset kind as new, and refuses a template of another kind or bytes that are no input", () => {
    const unset = input.InputRoomEvent.encode({
      kind: input.InputKind.INPUT_KIND_UNSPECIFIED,
      eventJson: Buffer.from("{}"),
      roomVersion: "11",
      origin: "x",
    }).finish();
    expect(decodeInputRoomEvent(unset)?.kind).to.equal("new");
    const oldTemplate = input.InputRoomEvent.encode({
      kind: input.InputKind.INPUT_KIND_OLD,
      eventJson: Buffer.alloc(0),
      roomVersion: "",
      origin: "x",
      template: { roomId: "!r:x", type: "m.room.message", sender: "@a:x", contentJson: Buffer.from("{}"), redacts: "", templateId: "T" },
    }).finish();
    expect(decodeInputRoomEvent(oldTemplate)).to.equal(null);
    expect(decodeInputRoomEvent(Buffer.from([0xff, 0xff, 0xff]))).to.equal(null);
  });
});
