import { expect } from "chai";
import { SingleFlight } from "../../../components/clientapi/rooms/single-flight.js";

describe("clientapi SingleFlight", () => {
  it("runs concurrent work for one key once and shares its result; later calls run again", async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return runs;
    };
    const results = await Promise.all([flights.run("a", work), flights.run("a", work), flights.run("b", work)]);
    expect(results[0]).to.equal(results[1]);
    expect(runs).to.equal(2);
    await flights.run("a", work);
    expect(runs).to.equal(3);
  });

  it("shares a failure too, and forgets it so a retry runs", async () => {
    const flights = new SingleFlight<number>();
    const failing = () => Promise.reject(new Error("refused"));
    const outcomes = await Promise.allSettled([flights.run("k", failing), flights.run("k", failing)]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(["rejected", "rejected"]);
    expect(await flights.run("k", async () => 7)).to.equal(7);
  });
});
