import { expect } from "chai";
import type { AccountDataChange, Receipt, TypingNotice } from "../../../components/clientapi/api/edus.js";
import {
  decodeAccountData,
  decodeReceipt,
  decodeTyping,
  encodeAccountData,
  encodeReceipt,
  encodeTyping,
} from "../../../components/clientapi/codecs/edus.js";
import { AccountDataEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";

describe("clientapi EDU codecs", () => {
  it("gives back the typing notice and the receipt it encoded", () => {
    const typing: TypingNotice = { roomId: "!r:test", userId: "@a:test", typing: true, expiresAtMs: 1_700_000_030_000 };
    expect(decodeTyping(encodeTyping(typing))).to.deep.equal(typing);
    const receipt: Receipt = {
      roomId: "!r:test",
      userId: "@a:test",
      eventId: "$e",
      receiptType: "m.read",
      timestampMs: 1_700_000_000_000,
      threadId: "main",
    };
    expect(decodeReceipt(encodeReceipt(receipt))).to.deep.equal(receipt);
  });

  it("gives back global and room account data, and a removal as null content", () => {
    const changes: AccountDataChange[] = [
      { userId: "@a:test", roomId: undefined, type: "m.direct", content: { "@b:test": ["!r:test"] } },
      { userId: "@a:test", roomId: "!r:test", type: "m.tag", content: { tags: {} } },
      { userId: "@a:test", roomId: "!r:test", type: "m.tag", content: null },
    ];
    for (const change of changes) expect(decodeAccountData(encodeAccountData(change))).to.deep.equal(change);
  });

  it('writes account data as the readers\' wire format has it: room "" when global, content as JSON', () => {
    const wire = AccountDataEvent.decode(encodeAccountData({ userId: "@a:test", roomId: undefined, type: "m.direct", content: { x: 1 } }));
    expect(wire.roomId).to.equal("");
    expect(Buffer.from(wire.contentJson).toString("utf8")).to.equal('{"x":1}');
  });
});
