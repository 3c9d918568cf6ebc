import { expect } from "chai";
import { normaliseAddress, TrustedProxies } from "../../../components/internal/http/client-address.js";

describe("client addresses: X-Forwarded-For only from trusted proxies", () => {
  const proxies = new TrustedProxies(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy, and when none is configured", () => {
    expect(proxies.clientAddress("203.0.113.5", "198.51.100.1")).to.equal("203.0.113.5");
    expect(new TrustedProxies([]).clientAddress("127.0.0.1", "198.51.100.1")).to.equal("127.0.0.1");
  });

  it("takes the nearest untrusted address, read from the right, so what the client wrote on the left is never believed", () => {
    expect(proxies.clientAddress("127.0.0.1", "198.51.100.1")).to.equal("198.51.100.1");
    expect(proxies.clientAddress("127.0.0.1", "6.6.6.6, 198.51.100.1")).to.equal("198.51.100.1");
    // Two proxies of ours: the inner one appended the outer one's address.
    expect(proxies.clientAddress("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3")).to.equal("198.51.100.1");
    // Several headers are one list.
    expect(proxies.clientAddress("127.0.0.1", ["6.6.6.6", "198.51.100.1"])).to.equal("198.51.100.1");
    expect(proxies.clientAddress("fd00::1", "2001:db8::7")).to.equal("2001:db8::7");
  });

  it("stops at garbage, keeping the last address it could trust, and takes the leftmost when every hop is a proxy", () => {
    expect(proxies.clientAddress("127.0.0.1", "not an address")).to.equal("127.0.0.1");
    expect(proxies.clientAddress("127.0.0.1", "198.51.100.1, junk, 10.0.0.2")).to.equal("10.0.0.2");
    expect(proxies.clientAddress("127.0.0.1", "10.0.0.9, 10.0.0.2")).to.equal("10.0.0.9");
    expect(proxies.clientAddress("127.0.0.1", undefined)).to.equal("127.0.0.1");
  });

  it("sees IPv4 clients of a dual-stack listener as IPv4", () => {
    expect(normaliseAddress("::ffff:10.0.0.1")).to.equal("10.0.0.1");
    expect(normaliseAddress("::ffff:zz")).to.equal("::ffff:zz");
    expect(proxies.has("::ffff:127.0.0.1")).to.equal(true);
    expect(proxies.clientAddress("::ffff:127.0.0.1", "::ffff:198.51.100.1")).to.equal("198.51.100.1");
    expect(proxies.has("11.0.0.1")).to.equal(false);
  });
});
