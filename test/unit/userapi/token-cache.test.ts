import { expect } from "chai";
import { TokenCache } from "../../../components/userapi/token-cache.js";
import { hashAccessToken, newAccessToken } from "../../../components/userapi/tokens.js";

describe("userapi: access tokens and their lookup cache", () => {
  const owner = { userId: "@a:b", deviceId: "D", isGuest: false };

  it("makes tokens of 32 random bytes and stores only their SHA-256", () => {
    const token = newAccessToken();
    expect(token).to.match(/^dts_[A-Za-z0-9_-]{43}$/);
    expect(newAccessToken()).to.not.equal(token);
    expect(hashAccessToken(token)).to.have.length(32);
  });

  it("forgets entries after their lifetime, on delete, and the oldest when full", () => {
    let now = 0;
    const cache = new TokenCache(1000, 2, () => now);
    const [a, b, c] = ["a", "b", "c"].map(hashAccessToken) as [Buffer, Buffer, Buffer];
    cache.set(a, owner);
    expect(cache.get(a)).to.deep.equal(owner);
    now = 1000;
    expect(cache.get(a)).to.equal(undefined);
    cache.set(a, owner);
    cache.set(b, owner);
    cache.delete([a]);
    expect(cache.get(a)).to.equal(undefined);
    cache.set(a, owner);
    cache.set(c, owner); // full: b, the oldest, goes
    expect([cache.get(a), cache.get(b), cache.get(c)]).to.deep.equal([owner, undefined, owner]);
  });
});
