import { expect } from "chai";
import { hashPassword, verifyPassword, type ScryptParams } from "../../../components/userapi/accounts/passwords.js";

/** Cheap parameters keep the unit tests fast; the format and comparison are the same. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

describe("userapi: password hashing (scrypt)", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse", FAST);
    expect(await verifyPassword("correct horse", hash)).to.equal(true);
    expect(await verifyPassword("correct horsE", hash)).to.equal(false);
    expect(await verifyPassword("", hash)).to.equal(false);
  });

  it("salts every hash and records its parameters", async () => {
    const [a, b] = [await hashPassword("same", FAST), await hashPassword("same", FAST)];
    expect(a).to.not.equal(b);
    expect(a).to.match(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it("uses the default cost when none is given, and still verifies hashes made with another", async () => {
    const strong = await hashPassword("pw");
    expect(strong.split("$").slice(1, 4)).to.deep.equal(["32768", "8", "1"]);
    expect(await verifyPassword("pw", await hashPassword("pw", FAST))).to.equal(true);
  });

  it("normalises Unicode, so the same password typed on different keyboards matches", async () => {
    const hash = await hashPassword("caf\u00e9", FAST);
    expect(await verifyPassword("cafe\u0301", hash)).to.equal(true);
  });

  it("never matches a malformed hash", async () => {
    for (const bad of ["", "plain", "scrypt$x$8$1$AAAA$BBBB", "bcrypt$1$2$3$4$5", "scrypt$1024$8$1$AAAA"]) {
      expect(await verifyPassword("pw", bad)).to.equal(false);
    }
  });
});
