import { expect } from "chai";
import {
  isIPv6,
  isValidEventId,
  isValidRoomAlias,
  isValidRoomId,
  isValidServerName,
  isValidUserId,
  isValidUserIdAt,
  parseEventId,
  parseRoomAlias,
  parseRoomId,
  parseServerName,
  parseUserId,
  parseUserIdAt,
  serverNameOf,
} from "../../../components/protocol/ids/grammar.js";
import { expectProtocolError } from "./corefixtures.js";

describe("protocol/ids/grammar", () => {
  describe("server names", () => {
    it("accepts the spec's examples", () => {
      expect(parseServerName("matrix.org")).to.deep.equal({ host: "matrix.org", kind: "dns", port: undefined });
      expect(parseServerName("matrix.org:8888")).to.deep.equal({ host: "matrix.org", kind: "dns", port: 8888 });
      expect(parseServerName("1.2.3.4")).to.deep.equal({ host: "1.2.3.4", kind: "ipv4", port: undefined });
      expect(parseServerName("1.2.3.4:1234")).to.deep.equal({ host: "1.2.3.4", kind: "ipv4", port: 1234 });
      expect(parseServerName("[1234:5678::abcd]")).to.deep.equal({ host: "[1234:5678::abcd]", kind: "ipv6", port: undefined });
      expect(parseServerName("[1234:5678::abcd]:5678")).to.deep.equal({ host: "[1234:5678::abcd]", kind: "ipv6", port: 5678 });
      expect(isValidServerName("localhost")).to.equal(true);
      expect(isValidServerName("MATRIX.ORG")).to.equal(true);
    });

    const bad: [string, RegExp][] = [
      ["", /empty/],
      ["matrix.org:", /port/],
      ["matrix.org:0", /1-65535/],
      ["matrix.org:65536", /1-65535/],
      ["matrix.org:123456", /port/],
      ["matrix.org:80a", /port/],
      ["matrix_org", /hostname/],
      ["mätrix.org", /hostname/],
      ["a:b:c", /hostname/],
      ["256.1.1.1", /IPv4/],
      ["[1234:5678::abcd", /unterminated/],
      ["[1234::5678::abcd]", /IPv6/],
      ["[12345::]", /IPv6/],
      ["[::1]x", /after IPv6/],
      ["x".repeat(256), /hostname/],
    ];
    for (const [name, pattern] of bad) {
      it(`rejects ${JSON.stringify(name.slice(0, 30))}`, () => {
        expect(isValidServerName(name)).to.equal(false);
        expectProtocolError(() => parseServerName(name), "BAD_ID", pattern);
      });
    }

    it("knows IPv6 text forms", () => {
      for (const ok of ["::", "::1", "1:2:3:4:5:6:7:8", "1::8", "::ffff:1.2.3.4", "fe80::1:2", "1:2:3:4:5:6:1.2.3.4"])
        expect(isIPv6(ok), ok).to.equal(true);
      for (const no of ["1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", "1.2.3.4", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:1.2.3.4"])
        expect(isIPv6(no), no).to.equal(false);
    });
  });

  describe("user IDs", () => {
    it("parses the current grammar", () => {
      expect(parseUserId("@alice.b=c-d/e+f_9:example.org:8448")).to.deep.equal({
        localpart: "alice.b=c-d/e+f_9",
        serverName: "example.org:8448",
      });
    });
    it("refuses what the current grammar forbids but historical IDs allow", () => {
      for (const id of ["@Alice:x.org", "@a b:x.org", "@:x.org", "@é:x.org"]) {
        expect(isValidUserId(id), id).to.equal(false);
        expect(isValidUserId(id, { historical: true }), id).to.equal(true);
        expectProtocolError(() => parseUserId(id), "BAD_ID", /localpart/);
      }
    });
    it("refuses NUL and malformed IDs even historically", () => {
      for (const id of ["@a\u0000b:x.org", "alice:x.org", "@alice", "@alice:", "@alice:bad_host", "@a\ud800:x.org"]) {
        expect(isValidUserId(id, { historical: true }), JSON.stringify(id)).to.equal(false);
      }
      expectProtocolError(() => parseUserId("@alice"), "BAD_ID", /missing ":server"/);
      expectProtocolError(() => parseUserId("alice:x"), "BAD_ID", /start with "@"/);
    });
    it("holds a server's own users to the current grammar and others' to the historical one", () => {
      for (const id of ["@alice\u202e:x.org", "@\u{1f600}:x.org", "@:x.org", "@Alice:x.org"]) {
        expect(isValidUserIdAt(id, "x.org"), id).to.equal(false);
        expectProtocolError(() => parseUserIdAt(id, "x.org"), "BAD_ID", /localpart/);
        expect(isValidUserIdAt(id, "y.org"), id).to.equal(true);
      }
      expect(parseUserIdAt("@alice:x.org", "x.org")).to.deep.equal({ localpart: "alice", serverName: "x.org" });
      expect(isValidUserIdAt("@a\u0000:y.org", "x.org")).to.equal(false);
      // The server part decides, compared exactly: another port is another server.
      expect(isValidUserIdAt("@Alice:x.org:8448", "x.org")).to.equal(true);
    });
    it("enforces the 255-byte limit in UTF-8 bytes", () => {
      const ok = "@" + "a".repeat(248) + ":x.org"; // 255 bytes
      expect(isValidUserId(ok)).to.equal(true);
      expectProtocolError(() => parseUserId("@a" + ok.slice(1)), "BAD_ID", /255 bytes/);
      const multibyte = "@" + "é".repeat(125) + ":x.org"; // 1 + 250 + 6 = 257 bytes, 132 chars
      expect(isValidUserId(multibyte, { historical: true })).to.equal(false);
    });
  });

  describe("room IDs, aliases, event IDs", () => {
    it("room IDs with a server part", () => {
      expect(parseRoomId("!abc:example.org")).to.deep.equal({ opaque: "abc", serverName: "example.org" });
      expect(isValidRoomId("!abc")).to.equal(false);
      expect(isValidRoomId("#abc:x")).to.equal(false);
      expect(isValidRoomId("!:x")).to.equal(false);
    });
    it("v12 hashed room IDs", () => {
      const id = "!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ";
      expect(parseRoomId(id, { hashed: true })).to.deep.equal({ opaque: id.slice(1), serverName: undefined });
      expect(isValidRoomId("!abc:example.org", { hashed: true })).to.equal(false);
      expect(isValidRoomId(id.replace("-", "+"), { hashed: true })).to.equal(false);
    });
    it("aliases", () => {
      expect(parseRoomAlias("#café:x.org")).to.deep.equal({ localpart: "café", serverName: "x.org" });
      expect(isValidRoomAlias("#a")).to.equal(false);
      expect(isValidRoomAlias("#:x.org")).to.equal(false);
    });
    it("event IDs per format", () => {
      expect(parseEventId("$abc:x.org", "v1")).to.deep.equal({ opaque: "abc", serverName: "x.org" });
      expect(isValidEventId("$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438", "v3")).to.equal(true);
      expect(isValidEventId("$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438", "v4")).to.equal(false);
      expect(isValidEventId("$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438", "v4")).to.equal(true);
      expect(isValidEventId("$abc")).to.equal(true);
      expect(isValidEventId("$")).to.equal(false);
      expect(isValidEventId("$abc", "v1")).to.equal(false);
      expectProtocolError(() => parseEventId("$" + "a".repeat(255)), "BAD_ID", /255/);
    });
    it("serverNameOf splits at the first colon", () => {
      expect(serverNameOf("@a:[::1]:8448")).to.equal("[::1]:8448");
      expect(serverNameOf("$abc")).to.equal(undefined);
    });
  });
});
