import { expect } from "chai";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import { formatOldVerifyKeysFile, parseOldVerifyKeysFile } from "../../../components/protocol/index.js";

const a = signingKeyFromSeed(new Uint8Array(32).fill(1), "a_one");
const b = signingKeyFromSeed(new Uint8Array(32).fill(2), "a_two");

describe("old verify keys file", () => {
  it("round-trips keys through format and parse, ignoring comments and blank lines", () => {
    const keys = [
      { keyId: a.keyId, publicKey: a.publicKeyBase64, expiredTs: 1_700_000_000_000 },
      { keyId: b.keyId, publicKey: b.publicKeyBase64, expiredTs: 1_710_000_000_000 },
    ];
    const text = formatOldVerifyKeysFile(keys);
    expect(text.startsWith("#")).to.equal(true);
    expect(parseOldVerifyKeysFile(`${text}\n\n# trailing note\n`)).to.deep.equal(keys);
  });

  it("accepts padded base64 and stores it unpadded", () => {
    const [key] = parseOldVerifyKeysFile(`${a.keyId} ${a.publicKeyBase64}= 5`);
    expect(key).to.deep.equal({ keyId: a.keyId, publicKey: a.publicKeyBase64, expiredTs: 5 });
  });

  for (const [name, line, fragment] of [
    ["a line that is not three fields", `${a.keyId} ${a.publicKeyBase64}`, "line 1: expected"],
    ["a key of another algorithm", `curve25519:x ${a.publicKeyBase64} 5`, "line 1: expected"],
    ["a public key that is not 32 bytes", `${a.keyId} AAAA 5`, "not 32 bytes"],
    ["a negative expired_ts", `${a.keyId} ${a.publicKeyBase64} -5`, "line 1: expected"],
    ["an expired_ts beyond safe integers", `${a.keyId} ${a.publicKeyBase64} 99999999999999999999`, "out of range"],
    ["a key listed twice", `${a.keyId} ${a.publicKeyBase64} 5\n${a.keyId} ${a.publicKeyBase64} 6`, "listed twice"],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(() => parseOldVerifyKeysFile(line)).to.throw(fragment);
    });
  }
});
