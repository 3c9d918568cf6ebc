import { expect } from "chai";
import { valuesList } from "../../../components/internal/database/values-list.js";

describe("valuesList", () => {
  it("numbers the placeholders row after row, with each column's cast", () => {
    const list = valuesList(
      [
        ["a", [1, 2]],
        ["b", []],
      ],
      { 1: "::bigint[]" },
    );
    expect(list.sql).to.equal("($1, $2::bigint[]), ($3, $4::bigint[])");
    expect(list.params).to.deep.equal(["a", [1, 2], "b", []]);
  });
});
