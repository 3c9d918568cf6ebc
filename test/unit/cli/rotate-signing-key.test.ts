import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOldVerifyKeys, loadOrCreateSigningKey, rotateSigningKey } from "../../../cli/signing-key.js";

describe("rotate-signing-key", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "rotate-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("replaces the signing key and keeps each retired one, public half only, with its expiry", () => {
    const keyPath = join(dir, "signing.key");
    const oldPath = join(dir, "old_verify_keys");
    const { key: first } = loadOrCreateSigningKey(keyPath);
    const one = rotateSigningKey(keyPath, oldPath, 1000);
    const two = rotateSigningKey(keyPath, oldPath, 2000);
    expect(one.retired.keyId).to.equal(first.keyId);
    expect(two.retired.keyId).to.equal(one.key.keyId);
    expect(new Set([first.keyId, one.key.keyId, two.key.keyId]).size).to.equal(3);
    expect(loadOrCreateSigningKey(keyPath).key.keyId).to.equal(two.key.keyId);
    expect(loadOldVerifyKeys(oldPath)).to.deep.equal([
      { keyId: first.keyId, publicKey: first.publicKeyBase64, expiredTs: 1000 },
      { keyId: one.key.keyId, publicKey: one.key.publicKeyBase64, expiredTs: 2000 },
    ]);
    // The secret stays owner-only; the old keys file holds no secret.
    expect(statSync(keyPath).mode & 0o777).to.equal(0o600);
    expect(readFileSync(oldPath, "utf8")).to.not.include(Buffer.from(first.seed).toString("base64").replace(/=+$/, ""));
  });
});
