import { expect } from "chai";
import { combineStatements } from "../../../components/internal/database/combined-statement.js";

describe("combineStatements", () => {
  it("makes the others WITH clauses of the main statement, their parameters numbered on", () => {
    const combined = combineStatements({ sql: "INSERT INTO m (a, b) VALUES ($1, $2) RETURNING a", params: ["m1", "m2"] }, [
      { sql: "UPDATE x SET v = $1 WHERE k = $2", params: ["x1", "x2"] },
      { sql: "DELETE FROM y WHERE k = $1 OR k = $1", params: ["y1"] },
    ]);
    expect(combined.sql).to.equal(
      "WITH w0 AS (UPDATE x SET v = $1 WHERE k = $2), w1 AS (DELETE FROM y WHERE k = $3 OR k = $3) INSERT INTO m (a, b) VALUES ($4, $5) RETURNING a",
    );
    expect(combined.params).to.deep.equal(["x1", "x2", "y1", "m1", "m2"]);
  });

  it("leaves a statement alone when there is nothing to combine it with", () => {
    expect(combineStatements({ sql: "SELECT $1, $12", params: [1] }, [])).to.deep.equal({ sql: "SELECT $1, $12", params: [1] });
  });
});
