import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OwnKeys, readOldVerifyKeys } from "../../../components/federationapi/keys/own-keys.js";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import { formatOldVerifyKeysFile, verifyServerKeys } from "../../../components/protocol/index.js";
import { checkResponse, SPEC_AVAILABLE } from "../../../testing/openapi.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const key = signingKeyFromSeed(new Uint8Array(32).fill(7), "a_cur");
const retired = signingKeyFromSeed(new Uint8Array(32).fill(8), "a_old");

describe("federationapi own keys (GET /_matrix/key/v2/server)", () => {
  const ownKeys = (oldVerifyKeys = [{ keyId: retired.keyId, publicKey: retired.publicKeyBase64, expiredTs: NOW - 1000 }]) =>
    new OwnKeys({ serverName: "a.test", signingKey: key, oldVerifyKeys, validityMs: 3_600_000, now: () => NOW });

  it("publishes the current key, the retired ones and valid_until_ts = now + the configured validity, self-signed", () => {
    const json = ownKeys().serverKeys();
    expect(json.valid_until_ts).to.equal(NOW + 3_600_000);
    expect(json.verify_keys).to.deep.equal({ [key.keyId]: { key: key.publicKeyBase64 } });
    expect(json.old_verify_keys).to.deep.equal({ [retired.keyId]: { key: retired.publicKeyBase64, expired_ts: NOW - 1000 } });
    // What another server does with it: the self-signature holds, the keys come out.
    const keys = verifyServerKeys(json, { serverName: "a.test", fetchedAt: NOW });
    expect(keys.map((k) => [k.keyId, k.validUntilTs, k.expiredTs])).to.deep.equal([
      [key.keyId, NOW + 3_600_000, undefined],
      [retired.keyId, 0, NOW - 1000],
    ]);
    if (SPEC_AVAILABLE) expect(checkResponse("server-server", "GET", "/server", 200, json)).to.equal(true);
  });

  it("never lists the current key as an old one (a rotation interrupted between its two writes)", () => {
    const json = ownKeys([{ keyId: key.keyId, publicKey: key.publicKeyBase64, expiredTs: NOW }]).serverKeys();
    expect(json.old_verify_keys).to.deep.equal({});
  });

  it("reads the old verify keys file, and none when it does not exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "own-keys-"));
    try {
      const path = join(dir, "old_verify_keys");
      expect(readOldVerifyKeys(path)).to.deep.equal([]);
      const old = [{ keyId: retired.keyId, publicKey: retired.publicKeyBase64, expiredTs: 42 }];
      writeFileSync(path, formatOldVerifyKeysFile(old));
      expect(readOldVerifyKeys(path)).to.deep.equal(old);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
