import { expect } from "chai";
import {
  BATCHED_REPLIES,
  decodeBatchedReplies,
  encodeBatchedReplies,
} from "../../../components/internal/eventlog/jetstream/reply-inbox.js";

describe("internal: batched replies", () => {
  it("round-trip tokens and data, empty data and binary data included", () => {
    const answers: [string, Uint8Array][] = [
      ["0", new Uint8Array([1, 2, 3])],
      ["zz", new Uint8Array([])],
      ["1a", Buffer.from("é verdict", "utf8")],
    ];
    const decoded = decodeBatchedReplies(encodeBatchedReplies(answers));
    expect(decoded.map(([t, d]) => [t, [...d]])).to.deep.equal(answers.map(([t, d]) => [t, [...d]]));
  });

  it("its token can never be a waiter's (base-36 numbers)", () => {
    expect(/^[0-9a-z]+$/.test(BATCHED_REPLIES)).to.equal(false);
  });
});
