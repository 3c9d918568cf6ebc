import { expect } from "chai";
import { sign as nodeSign } from "node:crypto";
import nacl from "tweetnacl";
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url, isBase64 } from "../../../components/protocol/crypto/base64.js";
import {
  formatSigningKeyFile,
  generateSigningKey,
  keyIdOf,
  parseKeyId,
  parseSigningKeyFile,
  publicKeyObject,
  signingKeyFromSeed,
} from "../../../components/protocol/crypto/keys.js";
import {
  checkJsonSignatures,
  signBytes,
  signJson,
  signedBytesOf,
  signingKeyIdsOf,
  verifyBytes,
  verifyJsonSignature,
} from "../../../components/protocol/crypto/signing.js";
import { ProtocolError } from "../../../components/protocol/errors.js";

// Spec appendix "Cryptographic Test Vectors".
const SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
const SERVER = "domain";
const KEY_ID = "ed25519:1";
const key = signingKeyFromSeed(decodeBase64(SEED), "1");

describe("protocol/crypto/base64", () => {
  it("encodes the spec's unpadded examples", () => {
    const cases: [string, string][] = [
      ["", ""],
      ["f", "Zg"],
      ["fo", "Zm8"],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg"],
      ["fooba", "Zm9vYmE"],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, b64] of cases) {
      expect(encodeBase64(Buffer.from(plain))).to.equal(b64);
      expect(decodeBase64(b64).toString()).to.equal(plain);
    }
  });
  it("decodes padded input too, and URL-safe in its own alphabet", () => {
    expect(decodeBase64("Zm8=").toString()).to.equal("fo");
    const bytes = Buffer.from([0xfb, 0xff, 0xfe]);
    expect(encodeBase64(bytes)).to.equal("+//+");
    expect(encodeBase64Url(bytes)).to.equal("-__-");
    expect(decodeBase64Url("-__-")).to.deep.equal(bytes);
  });
  it("rejects characters outside the alphabet and impossible lengths", () => {
    expect(isBase64("Zm9v!")).to.equal(false);
    expect(isBase64("Z")).to.equal(false);
    expect(isBase64("Zm9v-")).to.equal(false);
    expect(isBase64("Zm8==")).to.equal(false);
    expect(() => decodeBase64("a b")).to.throw(ProtocolError);
  });
});

describe("protocol/crypto/keys", () => {
  it("derives the same public key as tweetnacl and node:crypto agree with it", () => {
    const pair = nacl.sign.keyPair.fromSeed(decodeBase64(SEED));
    expect(Buffer.from(key.publicKey)).to.deep.equal(Buffer.from(pair.publicKey));
    expect(key.keyId).to.equal(KEY_ID);
  });

  it("node:crypto signatures are byte-identical to tweetnacl's, and verify both ways", () => {
    const pair = nacl.sign.keyPair.fromSeed(decodeBase64(SEED));
    for (const msg of ["", "{}", "x".repeat(1000), "日本語"]) {
      const bytes = Buffer.from(msg);
      const naclSig = nacl.sign.detached(bytes, pair.secretKey);
      const nodeSig = nodeSign(null, bytes, key.privateKeyObject);
      expect(Buffer.from(naclSig)).to.deep.equal(nodeSig);
      expect(nacl.sign.detached.verify(bytes, nodeSig, pair.publicKey)).to.equal(true);
      expect(verifyBytes(bytes, encodeBase64(naclSig), key.publicKey)).to.equal(true);
    }
  });

  it("parses and formats Synapse signing key files", () => {
    const text = `ed25519 1 ${SEED}\n\ned25519 a_AbC9 ${encodeBase64(Buffer.alloc(32, 7))}\n`;
    const keys = parseSigningKeyFile(text);
    expect(keys.map((k) => k.keyId)).to.deep.equal(["ed25519:1", "ed25519:a_AbC9"]);
    expect(keys[0]!.publicKeyBase64).to.equal(key.publicKeyBase64);
    expect(formatSigningKeyFile(keys)).to.equal(
      `ed25519 1 ${encodeBase64(decodeBase64(SEED))}\ned25519 a_AbC9 ${encodeBase64(Buffer.alloc(32, 7))}\n`,
    );
  });

  it("rejects malformed key files naming the line", () => {
    for (const bad of ["ed25519 1", "rsa 1 AAAA", `ed25519 1 ${"A".repeat(10)}`, "ed25519 1 !!!!", `ed25519 bad:ver ${SEED}`]) {
      try {
        parseSigningKeyFile(`\n${bad}\n`);
        expect.fail(`accepted ${bad}`);
      } catch (e) {
        expect(e).to.be.instanceOf(ProtocolError);
        expect((e as ProtocolError).code).to.equal("BAD_KEY");
      }
    }
    expect(() => parseSigningKeyFile("ed25519 1")).to.throw(/line 1/);
  });

  it("generates fresh keys whose file form round-trips", () => {
    const k = generateSigningKey();
    expect(k.version).to.match(/^a_[A-Za-z0-9]{4}$/);
    const [back] = parseSigningKeyFile(formatSigningKeyFile([k]));
    expect(back!.publicKeyBase64).to.equal(k.publicKeyBase64);
  });

  it("caches public KeyObjects by key", () => {
    expect(publicKeyObject(key.publicKeyBase64)).to.equal(publicKeyObject(key.publicKey));
    expect(() => publicKeyObject("AAAA")).to.throw(ProtocolError);
  });

  it("splits key IDs", () => {
    expect(keyIdOf("abc")).to.equal("ed25519:abc");
    expect(parseKeyId("ed25519:abc")).to.deep.equal({ algorithm: "ed25519", version: "abc" });
    expect(() => parseKeyId("ed25519")).to.throw(ProtocolError);
  });
});

describe("protocol/crypto/signing", () => {
  it("signs the empty object as the spec says", () => {
    const signed = signJson({}, SERVER, KEY_ID, key);
    expect(signed).to.deep.equal({
      signatures: { domain: { "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ" } },
    });
    expect(verifyJsonSignature(signed, SERVER, KEY_ID, key.publicKey)).to.equal(true);
  });

  it('signs {"one":1,"two":"Two"} as the spec says', () => {
    const signed = signJson({ one: 1, two: "Two" }, SERVER, KEY_ID, key.privateKeyObject);
    expect(signed).to.deep.equal({
      one: 1,
      signatures: { domain: { "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw" } },
      two: "Two",
    });
  });

  it("ignores unsigned and existing signatures, and keeps them", () => {
    const obj = { one: 1, two: "Two", unsigned: { age_ts: 5 }, signatures: { other: { "ed25519:x": "abc" } } };
    const signed = signJson(obj, SERVER, KEY_ID, key);
    expect(signed.signatures.domain!["ed25519:1"]).to.equal(
      "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
    );
    expect(signed.signatures.other).to.deep.equal({ "ed25519:x": "abc" });
    expect(signed.unsigned).to.deep.equal({ age_ts: 5 });
    expect(obj.signatures).to.deep.equal({ other: { "ed25519:x": "abc" } }); // input untouched
  });

  it("handles several servers and keys", () => {
    const other = signingKeyFromSeed(Buffer.alloc(32, 1), "2");
    let obj: object = { a: 1 };
    obj = signJson(obj, SERVER, KEY_ID, key);
    obj = signJson(obj, "other.org", other.keyId, other);
    obj = signJson(obj, SERVER, "ed25519:9", other);
    expect(signingKeyIdsOf(obj, SERVER).sort()).to.deep.equal(["ed25519:1", "ed25519:9"]);
    expect(verifyJsonSignature(obj, "other.org", "ed25519:2", other.publicKey)).to.equal(true);
    expect(verifyJsonSignature(obj, SERVER, "ed25519:9", other.publicKeyBase64)).to.equal(true);
    expect(verifyJsonSignature(obj, SERVER, KEY_ID, other.publicKey)).to.equal(false);
    checkJsonSignatures(
      obj,
      new Map([
        [SERVER, new Map([[KEY_ID, key.publicKey]])],
        ["other.org", new Map([["ed25519:2", other.publicKey]])],
      ]),
    );
    expect(() => checkJsonSignatures(obj, new Map([["third.org", new Map([["ed25519:1", key.publicKey]])]]))).to.throw(
      ProtocolError,
      /third\.org/,
    );
    expect(() => checkJsonSignatures(obj, new Map([[SERVER, new Map([["ed25519:9", key.publicKey]])]]))).to.throw(
      ProtocolError,
      /does not verify/,
    );
  });

  it("fails verification on tampering or garbage without throwing", () => {
    const signed = signJson({ one: 1 }, SERVER, KEY_ID, key) as Record<string, unknown>;
    expect(verifyJsonSignature({ ...signed, one: 2 }, SERVER, KEY_ID, key.publicKey)).to.equal(false);
    expect(verifyJsonSignature(signed, "nobody", KEY_ID, key.publicKey)).to.equal(false);
    expect(verifyJsonSignature({ ...signed, signatures: { domain: { "ed25519:1": "!!" } } }, SERVER, KEY_ID, key.publicKey)).to.equal(
      false,
    );
    expect(verifyJsonSignature({ ...signed, signatures: { domain: { "ed25519:1": 5 } } }, SERVER, KEY_ID, key.publicKey)).to.equal(false);
    expect(verifyJsonSignature({ ...signed, signatures: "x" }, SERVER, KEY_ID, key.publicKey)).to.equal(false);
    expect(verifyJsonSignature({ ...signed, bad: 1.5 }, SERVER, KEY_ID, key.publicKey)).to.equal(false); // floats encode, the signature just differs
    expect(verifyJsonSignature({ ...signed, bad: NaN }, SERVER, KEY_ID, key.publicKey)).to.equal(false); // not encodable: false, no throw
    expect(verifyJsonSignature(signed, SERVER, KEY_ID, "AAAA")).to.equal(false);
    expect(verifyBytes(Buffer.from("x"), signBytes(Buffer.from("x"), key), key.publicKey)).to.equal(true);
    expect(signedBytesOf({ b: 1, a: 2, signatures: {}, unsigned: {} }).toString()).to.equal('{"a":2,"b":1}');
  });
});
