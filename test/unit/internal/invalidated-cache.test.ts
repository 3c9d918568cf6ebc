import { expect } from "chai";
import { InvalidatedCache } from "../../../components/internal/cache/invalidated-cache.js";

/** A load the test finishes when it wants, counting how often it ran. */
function controlledLoad<V>() {
  let finish: (v: V) => void = () => {};
  let loads = 0;
  const load = () => {
    loads++;
    return new Promise<V>((resolve) => (finish = resolve));
  };
  return { load, finish: (v: V) => finish(v), loads: () => loads };
}

describe("internal: InvalidatedCache", () => {
  it("loads once and answers from memory until the key is invalidated", async () => {
    const cache = new InvalidatedCache<string, number>(10);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("a", load)).to.equal(1);
    expect(await cache.get("a", load)).to.equal(1);
    cache.invalidate("a");
    expect(await cache.get("a", load)).to.equal(2);
    expect(loads).to.equal(2);
  });

  it("does not keep a value read while its key was invalidated (it may be the old one)", async () => {
    const cache = new InvalidatedCache<string, string>(10);
    const first = controlledLoad<string>();
    const reading = cache.get("a", first.load);
    cache.invalidate("a"); // a change committed while the read was under way
    first.finish("old");
    expect(await reading).to.equal("old"); // returned to its caller ...
    const second = controlledLoad<string>();
    const again = cache.get("a", second.load);
    second.finish("new");
    expect(await again).to.equal("new"); // ... but not kept
    expect(second.loads()).to.equal(1);
    expect(await cache.get("a", async () => "never")).to.equal("new");
  });

  it("an invalidation of one key leaves reads of other keys alone", async () => {
    const cache = new InvalidatedCache<string, string>(10);
    const b = controlledLoad<string>();
    const reading = cache.get("b", b.load);
    cache.invalidate("a");
    b.finish("b1");
    await reading;
    expect(await cache.get("b", async () => "reloaded")).to.equal("b1");
  });

  it("getMany loads only what it lacks, in one go, and keeps nothing the load left out", async () => {
    const cache = new InvalidatedCache<string, number>(10);
    await cache.getMany(["a"], async () => new Map([["a", 1]]));
    const asked: string[][] = [];
    const found = await cache.getMany(["a", "b", "c"], async (missing) => {
      asked.push(missing);
      return new Map([["b", 2]]); // "c": nothing to keep
    });
    expect(asked).to.deep.equal([["b", "c"]]);
    expect([...found]).to.deep.equal([
      ["a", 1],
      ["b", 2],
    ]);
    const again = await cache.getMany(["b", "c"], async (missing) => (asked.push(missing), new Map()));
    expect(asked[1]).to.deep.equal(["c"]);
    expect(again.get("b")).to.equal(2);
  });
});
