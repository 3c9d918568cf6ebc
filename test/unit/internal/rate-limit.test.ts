import { expect } from "chai";
import { RateLimiter, TokenBucket } from "../../../components/internal/http/rate-limit.js";

describe("rate limiting: token bucket", () => {
  it("allows a burst, then one request per refill interval", () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).to.deep.equal([0, 0, 0]);
    expect(bucket.take(0)).to.equal(500);
    expect(bucket.take(250)).to.equal(250);
    expect(bucket.take(500)).to.equal(0);
    expect(bucket.take(500)).to.equal(500);
  });

  it("refills up to the burst and no further", () => {
    const bucket = new TokenBucket({ burst: 2, perSecond: 10 }, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.isFull(60_000)).to.equal(true);
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).to.deep.equal([0, 0, 100]);
  });

  it("keeps one bucket per key and forgets the refilled ones when it grows", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 1, perSecond: 1 }, () => now, 3);
    expect(limiter.check("a")).to.equal(0);
    expect(limiter.check("a")).to.equal(1000);
    expect(limiter.check("b")).to.equal(0);
    expect(limiter.check("c")).to.equal(0);
    now = 5_000; // every bucket is full again
    expect(limiter.check("d")).to.equal(0);
    expect(limiter.size).to.equal(1);
  });
});
