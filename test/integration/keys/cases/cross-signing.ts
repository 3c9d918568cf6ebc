import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { CrossSigningKeys, CrossSigningPair, verifiedBy, type Json } from "../device-crypto.js";
import { KeysClient } from "../keys-client.js";

const UPLOAD = { spec: "/keys/device_signing/upload" };
const SIGNATURES = { spec: "/keys/signatures/upload" };

/** A user with device keys and cross-signing keys uploaded. */
async function crossSigned(server: Deployment): Promise<{ c: KeysClient; cs: CrossSigningKeys }> {
  const c = await KeysClient.make(server, "cs");
  await c.uploadAll(1);
  const cs = new CrossSigningKeys(c.userId);
  await c.expectOk("POST", "/keys/device_signing/upload", { ...UPLOAD, body: cs.upload() });
  return { c, cs };
}

/** POST /keys/device_signing/upload, /keys/signatures/upload, and what /keys/query serves of them. */
export function crossSigningCases(server: () => Deployment): void {
  it("takes the first keys without a password, the same keys again too, and new keys only with the password", async () => {
    const { c, cs } = await crossSigned(server());
    const other = await KeysClient.make(server());
    const mine = await c.query({ [c.userId]: [] });
    expect(mine.master_keys[c.userId]).to.deep.equal(cs.master.key());
    expect(mine.self_signing_keys[c.userId]).to.deep.equal(cs.selfSigning.key(cs.master));
    expect(mine.user_signing_keys[c.userId]).to.deep.equal(cs.userSigning.key(cs.master));
    const theirs = await other.query({ [c.userId]: [] });
    expect(theirs.master_keys[c.userId]).to.deep.equal(cs.master.key());
    expect(theirs.self_signing_keys[c.userId]).to.deep.equal(cs.selfSigning.key(cs.master));
    expect(theirs.user_signing_keys, "a user-signing key is for its owner only").to.deep.equal({});

    await c.expectOk("POST", "/keys/device_signing/upload", { ...UPLOAD, body: cs.upload() });
    const replacement = new CrossSigningKeys(c.userId);
    // The spec's definition of this endpoint lists no 401: the UIA challenge is checked here.
    const first = await c.request("POST", "/keys/device_signing/upload", { body: replacement.upload() });
    expect(first.body.session).to.be.a("string");
    expect(first.status).to.equal(401);
    expect(first.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
    expect((await c.query({ [c.userId]: [] })).master_keys[c.userId]).to.deep.equal(cs.master.key());
    // A session opened for these keys cannot replace them with others.
    const third = new CrossSigningKeys(c.userId);
    await c.expectError("POST", "/keys/device_signing/upload", 403, "M_FORBIDDEN", {
      ...UPLOAD,
      body: { ...third.upload(), auth: c.passwordAuth(first.body.session) },
    });
    await c.expectOk("POST", "/keys/device_signing/upload", {
      ...UPLOAD,
      body: { ...replacement.upload(), auth: c.passwordAuth(first.body.session) },
    });
    expect((await other.query({ [c.userId]: [] })).master_keys[c.userId]).to.deep.equal(replacement.master.key());
  });

  it("tells roommates that a user's cross-signing keys changed", async () => {
    const a = await KeysClient.make(server(), "a");
    const b = await KeysClient.make(server(), "b");
    const roomId = await a.createRoom({ preset: "public_chat" });
    await b.join(roomId);
    const start = await a.sync();
    await b.expectOk("POST", "/keys/device_signing/upload", { ...UPLOAD, body: new CrossSigningKeys(b.userId).upload() });
    await a.syncUntil(start.next_batch, (r) => (r.device_lists.changed ?? []).includes(b.userId));
  });

  it("refuses keys that are not signed by the master key, without one, of another user, or named like a device", async () => {
    const c = await KeysClient.make(server(), "cs");
    const cs = new CrossSigningKeys(c.userId);
    const stranger = new CrossSigningPair(c.userId, "master");
    await c.expectError("POST", "/keys/device_signing/upload", 400, "M_MISSING_PARAM", {
      ...UPLOAD,
      body: { self_signing_key: cs.selfSigning.key(cs.master) },
    });
    await c.expectError("POST", "/keys/device_signing/upload", 400, "M_INVALID_SIGNATURE", {
      ...UPLOAD,
      body: { master_key: cs.master.key(), self_signing_key: cs.selfSigning.key(stranger) },
    });
    await c.expectError("POST", "/keys/device_signing/upload", 400, "M_INVALID_SIGNATURE", {
      ...UPLOAD,
      body: { master_key: cs.master.key(), user_signing_key: cs.userSigning.key() },
    });
    const foreign = new CrossSigningKeys("@other:elsewhere.example");
    await c.expectError("POST", "/keys/device_signing/upload", 400, "M_INVALID_PARAM", {
      ...UPLOAD,
      body: { master_key: foreign.master.key() },
    });
    await c.expectError("POST", "/keys/device_signing/upload", 400, "M_INVALID_PARAM", {
      ...UPLOAD,
      body: { master_key: { ...cs.master.key(), usage: ["self_signing"] } },
    });
    await c.expectError("POST", "/keys/device_signing/upload", 400, "M_BAD_JSON", { ...UPLOAD, body: { master_key: "key" } });
    // A device whose ID is the public key of the master key.
    const named = new CrossSigningPair(c.userId, "master");
    await c.expectOk("POST", "/login", {
      token: null,
      body: {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: c.userId },
        password: c.password,
        device_id: named.publicKey,
      },
    });
    await c.expectError("POST", "/keys/device_signing/upload", 403, "M_FORBIDDEN", { ...UPLOAD, body: { master_key: named.key() } });
    expect((await c.query({ [c.userId]: [] })).master_keys).to.deep.equal({});
  });

  it("keeps checked signatures of the user's devices, master key and others' master keys, and lists the rest as failures", async () => {
    const { c, cs } = await crossSigned(server());
    const { c: d, cs: ds } = await crossSigned(server());
    const viewer = await KeysClient.make(server());
    const deviceKeys = c.crypto.deviceKeys();
    const res = await c.expectOk("POST", "/keys/signatures/upload", {
      ...SIGNATURES,
      body: {
        [c.userId]: { [c.deviceId]: cs.selfSigning.sign(deviceKeys), [cs.master.publicKey]: c.crypto.sign(cs.master.key()) },
        [d.userId]: { [ds.master.publicKey]: cs.userSigning.sign(ds.master.key()) },
      },
    });
    expect(res.failures).to.deep.equal({});

    const seen = await viewer.query({ [c.userId]: [], [d.userId]: [] });
    const device = seen.device_keys[c.userId][c.deviceId] as Json;
    expect(
      verifiedBy(device, c.userId, cs.selfSigning.publicKey, cs.selfSigning.publicKey),
      "self-signing signature on the device",
    ).to.equal(true);
    expect(verifiedBy(device, c.userId, c.deviceId, c.crypto.ed25519), "the device's own signature stays").to.equal(true);
    expect(
      verifiedBy(seen.master_keys[c.userId], c.userId, c.deviceId, c.crypto.ed25519),
      "the device's signature on the master key",
    ).to.equal(true);
    expect(seen.master_keys[d.userId], "c's user-signing signature is for c alone").to.deep.equal(ds.master.key());
    const bySigner = await c.query({ [d.userId]: [] });
    expect(verifiedBy(bySigner.master_keys[d.userId], c.userId, cs.userSigning.publicKey, cs.userSigning.publicKey)).to.equal(true);

    const failed: Json = await c.expectOk("POST", "/keys/signatures/upload", {
      ...SIGNATURES,
      body: {
        [c.userId]: {
          // Signed by a key that is not the self-signing key's.
          [c.deviceId]: new CrossSigningPair(c.userId, "self_signing").sign(deviceKeys),
          NOSUCHKEY: cs.selfSigning.sign({ key: "x" }),
        },
        // Not the key stored under that ID.
        [d.userId]: { [ds.master.publicKey]: cs.userSigning.sign({ ...ds.master.key(), usage: ["master", "extra"] }) },
        "@far:elsewhere.example": { SOMEKEY: cs.userSigning.sign({ key: "y" }) },
      },
    });
    expect(failed.failures[c.userId][c.deviceId].errcode).to.equal("M_INVALID_SIGNATURE");
    expect(failed.failures[c.userId].NOSUCHKEY.errcode).to.equal("M_NOT_FOUND");
    expect(failed.failures[d.userId][ds.master.publicKey].errcode).to.equal("M_INVALID_PARAM");
    expect(failed.failures["@far:elsewhere.example"].SOMEKEY.errcode).to.equal("M_NOT_FOUND");
    await c.expectError("POST", "/keys/signatures/upload", 400, "M_BAD_JSON", { ...SIGNATURES, body: { [c.userId]: "nope" } });
    await c.expectError("POST", "/keys/signatures/upload", 401, "M_MISSING_TOKEN", { ...SIGNATURES, body: {}, token: null });
  });
}
