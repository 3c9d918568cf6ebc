import { expect } from "chai";
import nacl from "tweetnacl";
import { ProtocolError } from "../../../components/protocol/errors.js";
import { decodeBase64, encodeBase64 } from "../../../components/protocol/crypto/base64.js";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import {
  formatXMatrixHeader,
  parseXMatrixHeader,
  requestJsonToSign,
  signXMatrixRequest,
  verifyXMatrixRequest,
  type XMatrixRequest,
} from "../../../components/protocol/federation/xmatrix.js";

// The spec's test signing key (appendices, "Cryptographic Test Vectors").
const SEED = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
const key = signingKeyFromSeed(SEED, "1");
const other = signingKeyFromSeed(new Uint8Array(32).fill(7), "2");

function expectXMatrixError(fn: () => unknown, fragment: string | RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ProtocolError);
    expect((e as ProtocolError).code).to.equal("BAD_SIGNATURE");
    if (typeof fragment === "string") expect((e as Error).message).to.include(fragment);
    else expect((e as Error).message).to.match(fragment);
    return;
  }
  expect.fail(`expected a ProtocolError mentioning ${String(fragment)}`);
}

const putReq: XMatrixRequest = {
  method: "PUT",
  uri: "/_matrix/federation/v1/send/1234?x=%20y",
  origin: "origin.hs.example.com",
  destination: "destination.hs.example.com",
  content: { pdus: [], edus: [{ edu_type: "m.typing", content: { a: 1 } }] },
};

describe("protocol/federation X-Matrix", () => {
  describe("signing", () => {
    it("builds the spec's step-1 object, with content only when there is a body", () => {
      expect(requestJsonToSign({ method: "GET", uri: "/t", origin: "o", destination: "d" })).to.deep.equal({
        method: "GET",
        uri: "/t",
        origin: "o",
        destination: "d",
      });
      expect(requestJsonToSign({ method: "POST", uri: "/t", origin: "o", destination: "d", content: {} })).to.have.property("content");
    });

    it("signs the canonical JSON of the request, matching an independent tweetnacl signature", () => {
      const header = signXMatrixRequest(
        { method: "GET", uri: "/_matrix/federation/v1/version", origin: "domain", destination: "dest.example" },
        key,
      );
      const canonical = '{"destination":"dest.example","method":"GET","origin":"domain","uri":"/_matrix/federation/v1/version"}';
      const expected = encodeBase64(nacl.sign.detached(new TextEncoder().encode(canonical), nacl.sign.keyPair.fromSeed(SEED).secretKey));
      expect(header).to.equal(`X-Matrix origin="domain",destination="dest.example",key="ed25519:1",sig="${expected}"`);
    });

    it("formats the header the compatible way: one space, lower-case names, all quoted", () => {
      expect(formatXMatrixHeader({ origin: "a.example", destination: "b.example", keyId: "ed25519:k", signature: "c2ln" })).to.equal(
        'X-Matrix origin="a.example",destination="b.example",key="ed25519:k",sig="c2ln"',
      );
    });

    it("refuses values that would need escaping", () => {
      expectXMatrixError(() => formatXMatrixHeader({ origin: 'a"b', destination: "b", keyId: "ed25519:k", signature: "x" }), "origin");
    });
  });

  describe("parsing", () => {
    it("parses the spec's example header", () => {
      expect(
        parseXMatrixHeader(
          'X-Matrix origin="origin.hs.example.com",destination="destination.hs.example.com",key="ed25519:key1",sig="ABCDEF..."',
        ),
      ).to.deep.equal({
        origin: "origin.hs.example.com",
        destination: "destination.hs.example.com",
        keyId: "ed25519:key1",
        signature: "ABCDEF...",
      });
    });

    const expected = { origin: "foo", keyId: "ed25519:1", signature: "sig", destination: "bar" };
    const variants: [string, string][] = [
      ["unquoted token and colon values", "X-Matrix origin=foo,key=ed25519:1,sig=sig,destination=bar"],
      ["extra spaces after the scheme, upper-case names, escapes", 'X-Matrix  ORIGIN=foo,KEY="ed25\\519:1",SIG="sig",destination="bar"'],
      ["unknown parameters", 'X-Matrix origin=foo,key="ed25519:1",sig="sig",destination="bar",extra_field=ignored'],
      ["spaces and tabs around commas", 'X-Matrix origin=foo , key="ed25519:1",  sig="sig",\tdestination="bar",\t\textra_field=ignored'],
      ["any order, spaces around =", 'X-Matrix sig = "sig", destination="bar",key="ed25519:1",origin = "foo"'],
      ["case-insensitive scheme, empty list elements", 'x-matrix origin="foo",,key="ed25519:1", ,sig="sig",destination="bar"'],
      [
        "escaped quote and backslash in an unknown parameter",
        'X-Matrix origin=foo,note="a\\"b\\\\c",key="ed25519:1",sig=sig,destination=bar',
      ],
    ];
    for (const [what, header] of variants) {
      it(`accepts ${what}`, () => {
        expect(parseXMatrixHeader(header)).to.deep.equal(expected);
      });
    }

    it("accepts a header without destination (servers before v1.3)", () => {
      expect(parseXMatrixHeader('X-Matrix origin="foo",key="ed25519:1",sig="sig"').destination).to.equal(undefined);
    });

    const malformed: [string, string, string | RegExp][] = [
      ["empty header", "", "missing authorization scheme"],
      ["another scheme", 'Bearer origin="foo"', 'scheme is "Bearer"'],
      ["no parameters", "X-Matrix", "no parameters"],
      ["no space after the scheme", 'X-Matrix,origin="foo"', "expected a space"],
      ["missing origin", 'X-Matrix key="ed25519:1",sig="sig"', "missing origin"],
      ["missing key", 'X-Matrix origin="foo",sig="sig"', "missing key"],
      ["missing sig", 'X-Matrix origin="foo",key="ed25519:1"', "missing sig"],
      ["unterminated quote", 'X-Matrix origin="foo,key="ed25519:1",sig="sig', /unterminated|unexpected/],
      ["unterminated quote at the end", 'X-Matrix origin=foo,key="ed25519:1",sig="sig', 'unterminated quoted value for parameter "sig"'],
      ["parameter without value", 'X-Matrix origin,key="ed25519:1",sig="sig"', 'parameter "origin" has no "=value"'],
      ["empty unquoted value", 'X-Matrix origin=,key="ed25519:1",sig="sig"', 'parameter "origin" has an empty'],
      ["unquoted value with a slash", 'X-Matrix origin=foo,key="ed25519:1",sig=ab/cd', 'unexpected "/" after parameter "sig"'],
      ["two values without a comma", 'X-Matrix origin="foo" key="ed25519:1",sig="sig"', 'unexpected "k" after parameter "origin"'],
      ["duplicate parameter", 'X-Matrix origin="foo",ORIGIN="evil",key="ed25519:1",sig="sig"', '"origin" given more than once'],
      ["invalid origin", 'X-Matrix origin="foo bar",key="ed25519:1",sig="sig"', 'origin "foo bar" is not a valid server name'],
      ["invalid destination", 'X-Matrix origin="foo",destination="a/b",key="ed25519:1",sig="sig"', "destination"],
      ["key without algorithm", 'X-Matrix origin="foo",key="abc",sig="sig"', 'key "abc" is not'],
      ["empty sig", 'X-Matrix origin="foo",key="ed25519:1",sig=""', "sig is empty"],
      ["control character", 'X-Matrix origin="fo\u0001o",key="ed25519:1",sig="sig"', "control character"],
      ["token68 credentials", "X-Matrix abcdef==", /has no "=value"|empty/],
    ];
    for (const [what, header, fragment] of malformed) {
      it(`rejects ${what}, naming the problem`, () => {
        expectXMatrixError(() => parseXMatrixHeader(header), fragment);
      });
    }
  });

  describe("verification", () => {
    const verify = (header: string, overrides: Partial<Parameters<typeof verifyXMatrixRequest>[0]> = {}) =>
      verifyXMatrixRequest({
        auth: header,
        method: putReq.method,
        uri: putReq.uri,
        content: putReq.content,
        ourServerName: putReq.destination,
        publicKey: key.publicKey,
        ...overrides,
      });

    it("round-trips sign → verify", () => {
      const auth = verify(signXMatrixRequest(putReq, key));
      expect(auth.origin).to.equal("origin.hs.example.com");
      expect(auth.keyId).to.equal("ed25519:1");
    });

    it("verifies a GET without content, with the key as KeyObject or base64", () => {
      const get = { method: "GET", uri: "/_matrix/federation/v1/version", origin: "a.example", destination: "b.example" };
      const header = signXMatrixRequest(get, key);
      const base = { method: "GET", uri: get.uri, ourServerName: "b.example" };
      verifyXMatrixRequest({ ...base, auth: header, publicKey: key.publicKeyBase64 });
      verifyXMatrixRequest({ ...base, auth: parseXMatrixHeader(header), publicKey: key.publicKey });
      // A body the signer did not sign must fail.
      expectXMatrixError(() => verifyXMatrixRequest({ ...base, auth: header, publicKey: key.publicKey, content: {} }), "does not verify");
    });

    it("accepts a differently formatted header carrying the same signature", () => {
      const auth = parseXMatrixHeader(signXMatrixRequest(putReq, key));
      const reformatted = `x-matrix  SIG="${auth.signature}" , Key=${auth.keyId},\torigin=${auth.origin},destination="${auth.destination}"`;
      verify(reformatted);
    });

    it("checks requests from servers that send no destination against our name", () => {
      const auth = parseXMatrixHeader(signXMatrixRequest(putReq, key));
      verify(`X-Matrix origin="${auth.origin}",key="${auth.keyId}",sig="${auth.signature}"`);
    });

    const tampered: [string, Partial<Parameters<typeof verifyXMatrixRequest>[0]>][] = [
      ["method", { method: "POST" }],
      ["uri", { uri: "/_matrix/federation/v1/send/1235?x=%20y" }],
      ["uri encoding", { uri: "/_matrix/federation/v1/send/1234?x= y" }],
      ["content", { content: { pdus: [], edus: [{ edu_type: "m.typing", content: { a: 2 } }] } }],
      ["missing content", { content: undefined }],
      ["public key", { publicKey: other.publicKey }],
    ];
    for (const [what, change] of tampered) {
      it(`detects a changed ${what}`, () => {
        expectXMatrixError(() => verify(signXMatrixRequest(putReq, key), change), "does not verify");
      });
    }

    it("detects a changed origin in the header", () => {
      const auth = parseXMatrixHeader(signXMatrixRequest(putReq, key));
      expectXMatrixError(() => verify(formatXMatrixHeader({ ...auth, origin: "evil.example" })), "does not verify");
    });

    it("detects a corrupted or non-base64 signature", () => {
      const auth = parseXMatrixHeader(signXMatrixRequest(putReq, key));
      const flipped = (auth.signature[0] === "A" ? "B" : "A") + auth.signature.slice(1);
      expectXMatrixError(() => verify(formatXMatrixHeader({ ...auth, signature: flipped })), "does not verify");
      expectXMatrixError(() => verify(formatXMatrixHeader({ ...auth, signature: "!!!" })), "does not verify");
    });

    it("refuses a request addressed to another server (spec: 401)", () => {
      expectXMatrixError(
        () => verify(signXMatrixRequest(putReq, key), { ourServerName: "someone.else" }),
        'destination "destination.hs.example.com" is not this server (someone.else)',
      );
    });

    it("refuses key algorithms it cannot check", () => {
      const auth = parseXMatrixHeader(signXMatrixRequest(putReq, key));
      expectXMatrixError(() => verify(formatXMatrixHeader({ ...auth, keyId: "curve25519:1" })), "unsupported key algorithm");
    });
  });
});
