import { expect } from "chai";
import type { Database, Queryable } from "../../../components/internal/database/database.js";
import type { SyncStream } from "../../../components/syncapi/streams/positions.js";
import { StreamWriter } from "../../../components/syncapi/streams/stream-writer.js";
import { Notifier } from "../../../components/syncapi/streams/notifier.js";

/**
 * A StreamWriter over a database whose transactions commit (or roll back) when the test
 * says: `commit(i)` or `fail(i)` for the i-th transaction begun; `begun()` counts them.
 * `write(stream, name)` is a write whose after-commit effect adds `name` to `told`.
 */
function streamWriter() {
  const commits: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const tx = { query: async () => [] } as unknown as Queryable;
  const db = {
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const result = await work(tx);
      await new Promise<void>((resolve, reject) => commits.push({ resolve, reject }));
      return result;
    },
  } as unknown as Database;
  const writer = new StreamWriter(db, new Notifier());
  const told: string[] = [];
  return {
    db,
    writer,
    told,
    write: (stream: SyncStream, name: string) => writer.write(stream, async () => [() => void told.push(name)]),
    commit: (i: number) => commits[i]!.resolve(),
    fail: (i: number) => commits[i]!.reject(new Error("rolled back")),
    begun: () => commits.length,
  };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("syncapi: StreamWriter", () => {
  it("runs a stream's writes one at a time, in the order asked, each with what follows its commit before the next begins", async () => {
    const { write, told, commit, begun } = streamWriter();
    const first = write("pdu", "first");
    const second = write("pdu", "second");
    await settle();
    expect(begun(), "the second waits for the first").to.equal(1);
    commit(0);
    await first;
    expect(told).to.deep.equal(["first"]);
    await settle();
    expect(begun()).to.equal(2);
    commit(1);
    await second;
    expect(told).to.deep.equal(["first", "second"]);
  });

  it("a write that rolled back tells nothing and does not hold up the ones after it", async () => {
    const { write, told, commit, fail, begun } = streamWriter();
    const first = write("pdu", "first").catch((err: Error) => err.message);
    const second = write("pdu", "second");
    await settle();
    fail(0);
    expect(await first).to.equal("rolled back");
    await settle();
    expect(begun()).to.equal(2);
    commit(1);
    await second;
    expect(told).to.deep.equal(["second"]);
  });

  it("streams take turns separately", async () => {
    const { write, told, commit, begun } = streamWriter();
    const pdu = write("pdu", "pdu");
    const receipt = write("receipt", "receipt");
    await settle();
    expect(begun()).to.equal(2);
    commit(1);
    await receipt;
    expect(told).to.deep.equal(["receipt"]);
    commit(0);
    await pdu;
  });
});
