import { expect } from "chai";
import { MAX_JSON_DEPTH } from "../../../components/protocol/json/canonical.js";
import { isWellFormed, jsonLimitProblem } from "../../../components/protocol/json/limits.js";

describe("protocol/json/limits", () => {
  const nested = (levels: number): unknown => JSON.parse('{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1));

  it(`takes ${MAX_JSON_DEPTH} levels of nesting and refuses one more, naming where`, () => {
    expect(jsonLimitProblem(nested(MAX_JSON_DEPTH), { nul: "refused" })).to.equal(null);
    expect(jsonLimitProblem([[[1]]], { nul: "refused" })).to.equal(null);
    const problem = jsonLimitProblem(nested(MAX_JSON_DEPTH + 1), { nul: "refused" });
    expect(problem).to.match(/^JSON at a\.a\.a.*: nested deeper than 256 levels$/);
  });

  it("reports a value nested a million levels deep without overflowing the stack", () => {
    const deep = JSON.parse("[".repeat(1_000_000) + "]".repeat(1_000_000)) as unknown;
    expect(jsonLimitProblem(deep, { nul: "allowed" })).to.match(/nested deeper than 256 levels$/);
  });

  it("refuses U+0000 in strings and keys only when asked to", () => {
    const values = [{ a: "x\u0000" }, { a: [1, { b: "\u0000" }] }, { "k\u0000": 1 }];
    expect(values.map((v) => jsonLimitProblem(v, { nul: "refused" }))).to.deep.equal([
      "JSON at a: string holds U+0000",
      "JSON at a[1].b: string holds U+0000",
      "JSON at k\\u0000: key holds U+0000",
    ]);
    for (const v of values) expect(jsonLimitProblem(v, { nul: "allowed" })).to.equal(null);
  });

  it("refuses lone surrogates always, and takes surrogate pairs", () => {
    for (const v of [{ a: "\ud800" }, { a: "x\udc00" }, { a: ["\udc00\ud800"] }, { "\udfff": 1 }]) {
      expect(jsonLimitProblem(v, { nul: "allowed" }), JSON.stringify(v)).to.match(/lone surrogate$/);
    }
    expect(jsonLimitProblem({ "\u{1f600}": "\u{1f600}" }, { nul: "refused" })).to.equal(null);
    expect([isWellFormed("a\u{1f600}b"), isWellFormed("\ud83d"), isWellFormed("\ude00\ud83d")]).to.deep.equal([true, false, false]);
  });
});
