import { expect } from "chai";
import type { Database, Queryable } from "../../../components/internal/database/database.js";
import { StreamWriter } from "../../../components/syncapi/consumers/stream-writer.js";
import { Notifier } from "../../../components/syncapi/notifier.js";

/**
 * A database whose transactions run their work at once (taking the lock in call order, as
 * PostgreSQL would) and commit when the test says: `commit(i)` or `fail(i)` for the i-th.
 */
function fakeDatabase() {
  const commits: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const tx = { query: async () => [] } as unknown as Queryable;
  const db = {
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const result = await work(tx);
      await new Promise<void>((resolve, reject) => commits.push({ resolve, reject }));
      return result;
    },
  } as unknown as Database;
  return { db, commit: (i: number) => commits[i]!.resolve(), fail: (i: number) => commits[i]!.reject(new Error("rolled back")), pending: () => commits.length };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("syncapi: StreamWriter", () => {
  it("tells what followed two commits in the order of the commits, even when the later one's answer comes first", async () => {
    const { db, commit, pending } = fakeDatabase();
    const writer = new StreamWriter(db, new Notifier());
    const told: string[] = [];
    const first = writer.write("pdu", async () => [() => void told.push("first")]);
    const second = writer.write("pdu", async () => [() => void told.push("second")]);
    while (pending() < 2) await settle();
    commit(1);
    await settle();
    expect(told, "the second waits for the first's commit").to.deep.equal([]);
    commit(0);
    await Promise.all([first, second]);
    expect(told).to.deep.equal(["first", "second"]);
  });

  it("a write that rolled back does not hold up the ones after it", async () => {
    const { db, commit, fail, pending } = fakeDatabase();
    const writer = new StreamWriter(db, new Notifier());
    const told: string[] = [];
    const first = writer.write("pdu", async () => [() => void told.push("first")]).catch((err: Error) => err.message);
    const second = writer.write("pdu", async () => [() => void told.push("second")]);
    while (pending() < 2) await settle();
    commit(1);
    await settle();
    expect(told).to.deep.equal([]);
    fail(0);
    expect(await first).to.equal("rolled back");
    await second;
    expect(told).to.deep.equal(["second"]);
  });

  it("streams take turns separately", async () => {
    const { db, commit, pending } = fakeDatabase();
    const writer = new StreamWriter(db, new Notifier());
    const told: string[] = [];
    void writer.write("pdu", async () => [() => void told.push("pdu")]);
    const receipt = writer.write("receipt", async () => [() => void told.push("receipt")]);
    while (pending() < 2) await settle();
    commit(1);
    await receipt;
    expect(told).to.deep.equal(["receipt"]);
    commit(0);
  });
});
