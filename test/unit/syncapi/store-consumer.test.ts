import { expect } from "chai";
import type { Queryable } from "../../../components/internal/database/database.js";
import { eachInOrder } from "../../../components/syncapi/consumers/store-consumer.js";
import type { AfterCommit } from "../../../components/syncapi/streams/stream-writer.js";
import { Notifier } from "../../../components/syncapi/streams/notifier.js";

const tx = { query: async () => [] } as unknown as Queryable;

describe("syncapi: a store consumer's apply, message by message (eachInOrder)", () => {
  it("applies each message in the batch's transaction after the one before has finished, and returns their effects in order", async () => {
    const events: string[] = [];
    const told: string[] = [];
    const apply = eachInOrder<string>(async (q, message) => {
      expect(q).to.equal(tx);
      events.push(`start ${message}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${message}`);
      return [() => void told.push(`${message} 1`), () => void told.push(`${message} 2`)];
    });
    const effects: AfterCommit[] = await apply(tx, ["a", "b", "c"]);
    expect(events).to.deep.equal(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(told).to.deep.equal([], "effects wait for the commit");
    const notifier = new Notifier();
    for (const effect of effects) effect(notifier);
    expect(told).to.deep.equal(["a 1", "a 2", "b 1", "b 2", "c 1", "c 2"]);
  });

  it("stops at a message that fails, so the batch's transaction rolls back whole", async () => {
    const applied: string[] = [];
    const apply = eachInOrder<string>(async (_q, message) => {
      if (message === "bad") throw new Error("cannot apply");
      applied.push(message);
      return [];
    });
    const err = await apply(tx, ["a", "bad", "c"]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property("message", "cannot apply");
    expect(applied).to.deep.equal(["a"]);
  });

  it("applies nothing for a batch with no new message", async () => {
    let calls = 0;
    const apply = eachInOrder<string>(async () => (calls++, []));
    expect(await apply(tx, [])).to.deep.equal([]);
    expect(calls).to.equal(0);
  });
});
