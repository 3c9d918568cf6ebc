import { expect } from "chai";
import { ProtocolError } from "../../../components/protocol/errors.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import { signJson } from "../../../components/protocol/crypto/signing.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import {
  buildServerKeys,
  keyValidForEvent,
  keyValidForRequest,
  MAX_KEY_VALIDITY_MS,
  notaryQueryBody,
  verifyNotaryResponse,
  verifyServerKeys,
  type ServerKey,
} from "../../../components/protocol/federation/server-keys.js";

const DAY = 86_400_000;
const NOW = Date.parse("2024-06-01T00:00:00Z");

const current = signingKeyFromSeed(new Uint8Array(32).fill(1), "cur");
const second = signingKeyFromSeed(new Uint8Array(32).fill(2), "two");
const retired = signingKeyFromSeed(new Uint8Array(32).fill(3), "old");
const stranger = signingKeyFromSeed(new Uint8Array(32).fill(4), "cur");
const notaryKey = signingKeyFromSeed(new Uint8Array(32).fill(5), "notary");

function response(overrides: { validUntilTs?: number; signers?: (typeof current)[] } = {}): JsonObject {
  return buildServerKeys(
    {
      serverName: "example.org",
      verifyKeys: [current, second].map((k) => ({ keyId: k.keyId, publicKey: k.publicKeyBase64 })),
      oldVerifyKeys: [{ keyId: retired.keyId, publicKey: retired.publicKeyBase64, expiredTs: NOW - 10 * DAY }],
      validUntilTs: overrides.validUntilTs ?? NOW + DAY,
    },
    overrides.signers ?? [current],
  );
}

function expectError(fn: () => unknown, code: string, fragment: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ProtocolError);
    expect((e as ProtocolError).code).to.equal(code);
    expect((e as Error).message).to.include(fragment);
    return;
  }
  expect.fail(`expected ProtocolError ${code} mentioning ${fragment}`);
}

const opts = { serverName: "example.org", fetchedAt: NOW };

describe("protocol/federation server keys", () => {
  describe("verifyServerKeys (/_matrix/key/v2/server)", () => {
    it("accepts a self-signed response and returns current and old keys", () => {
      const keys = verifyServerKeys(response(), opts);
      expect(keys).to.deep.equal([
        {
          serverName: "example.org",
          keyId: "ed25519:cur",
          publicKey: current.publicKeyBase64,
          validUntilTs: NOW + DAY,
          expiredTs: undefined,
        },
        {
          serverName: "example.org",
          keyId: "ed25519:two",
          publicKey: second.publicKeyBase64,
          validUntilTs: NOW + DAY,
          expiredTs: undefined,
        },
        { serverName: "example.org", keyId: "ed25519:old", publicKey: retired.publicKeyBase64, validUntilTs: 0, expiredTs: NOW - 10 * DAY },
      ]);
    });

    it("accepts a response signed by several of its keys, and one re-signed by a notary", () => {
      verifyServerKeys(response({ signers: [current, second] }), opts);
      verifyServerKeys(signJson(response(), "notary.example", notaryKey.keyId, notaryKey), opts);
    });

    it("caps valid_until_ts at 7 days after the fetch (spec: the lesser of the two)", () => {
      const keys = verifyServerKeys(response({ validUntilTs: NOW + 365 * DAY }), opts);
      expect(keys[0]!.validUntilTs).to.equal(NOW + MAX_KEY_VALIDITY_MS);
      expect(MAX_KEY_VALIDITY_MS).to.equal(7 * DAY);
    });

    it("rejects the spec's example, whose keys are placeholders rather than ed25519 keys", () => {
      const example = {
        server_name: "example.org",
        verify_keys: { "ed25519:abc123": { key: "VGhpcyBzaG91bGQgYmUgYSByZWFsIGVkMjU1MTkgcGF5bG9hZA" } },
        old_verify_keys: {
          "ed25519:0ldk3y": { expired_ts: 1532645052628, key: "VGhpcyBzaG91bGQgYmUgeW91ciBvbGQga2V5J3MgZWQyNTUxOSBwYXlsb2FkLg" },
        },
        signatures: { "example.org": { "ed25519:auto2": "VGhpcyBzaG91bGQgYWN0dWFsbHkgYmUgYSBzaWduYXR1cmU" } },
        valid_until_ts: 1652262000000,
      };
      expectError(() => verifyServerKeys(example, opts), "BAD_KEY", 'verify_keys["ed25519:abc123"].key');
    });

    const malformed: [string, (r: JsonObject) => unknown, string][] = [
      ["not an object", () => [], "not a JSON object"],
      ["another server's keys", (r) => r, 'server_name "example.org" is not the server asked about (other.example)'],
      ["no server_name", (r) => ({ ...r, server_name: undefined }), "server_name is missing"],
      ["no valid_until_ts", (r) => ({ ...r, valid_until_ts: undefined }), "valid_until_ts is missing"],
      ["a fractional valid_until_ts", (r) => ({ ...r, valid_until_ts: 1.5 }), "valid_until_ts"],
      ["no verify_keys", (r) => ({ ...r, verify_keys: undefined }), "verify_keys is missing"],
      ["no ed25519 verify key", (r) => ({ ...r, verify_keys: { "curve25519:x": { key: "abc" } } }), "publishes no ed25519 verify key"],
      ["a verify key of the wrong length", (r) => ({ ...r, verify_keys: { "ed25519:cur": { key: "AAAA" } } }), "32-byte"],
      ["a verify key without key", (r) => ({ ...r, verify_keys: { "ed25519:cur": {} } }), ".key is missing"],
      ["old_verify_keys not an object", (r) => ({ ...r, old_verify_keys: [] }), "old_verify_keys is not an object"],
      [
        "an old key without expired_ts",
        (r) => ({ ...r, old_verify_keys: { [retired.keyId]: { key: retired.publicKeyBase64 } } }),
        'old_verify_keys["ed25519:old"].expired_ts',
      ],
      ["no signatures", (r) => ({ ...r, signatures: undefined }), "signatures is missing"],
      ["no self-signature", (r) => ({ ...r, signatures: { "notary.example": {} } }), "not signed by example.org"],
    ];
    for (const [what, change, fragment] of malformed) {
      it(`rejects ${what} (BAD_KEY)`, () => {
        const serverName = what === "another server's keys" ? "other.example" : "example.org";
        expectError(() => verifyServerKeys(change(response()), { serverName, fetchedAt: NOW }), "BAD_KEY", fragment);
      });
    }

    it("rejects a response signed only by a key it does not list as current", () => {
      // A stranger's key with a listed key ID is still a wrong signature...
      expectError(() => verifyServerKeys(response({ signers: [stranger] }), opts), "BAD_SIGNATURE", "ed25519:cur");
      // ...and an old key cannot vouch for the current list.
      expectError(() => verifyServerKeys(response({ signers: [retired] }), opts), "BAD_KEY", "with any of its verify_keys");
    });

    it("detects tampering after signing", () => {
      const r = response();
      expectError(() => verifyServerKeys({ ...r, valid_until_ts: NOW + 100 * DAY }, opts), "BAD_SIGNATURE", "does not verify");
      const swapped = { ...r, verify_keys: { ...(r.verify_keys as JsonObject), "ed25519:two": { key: stranger.publicKeyBase64 } } };
      expectError(() => verifyServerKeys(swapped, opts), "BAD_SIGNATURE", "does not verify");
    });

    it("ignores keys and signatures of algorithms it does not know", () => {
      const r = response();
      const unsigned: JsonObject = { ...r, verify_keys: { ...(r.verify_keys as JsonObject), "curve25519:x": { key: "whatever" } } };
      delete unsigned.signatures;
      const withExtra = signJson(unsigned, "example.org", current.keyId, current);
      (withExtra.signatures as JsonObject)["example.org"] = {
        ...((withExtra.signatures as JsonObject)["example.org"] as JsonObject),
        "curve25519:x": "c2ln",
      };
      expect(verifyServerKeys(withExtra, opts).map((k) => k.keyId)).to.deep.equal(["ed25519:cur", "ed25519:two", "ed25519:old"]);
    });
  });

  describe("keyValidForEvent / keyValidForRequest", () => {
    const cur: ServerKey = { serverName: "s", keyId: "ed25519:a", publicKey: "x", validUntilTs: NOW, expiredTs: undefined };
    const old: ServerKey = { serverName: "s", keyId: "ed25519:b", publicKey: "y", validUntilTs: 0, expiredTs: NOW };
    const rows: [string, ServerKey, number, string, boolean][] = [
      ["current key, event before valid_until_ts, v5", cur, NOW - 1, "5", true],
      ["current key, event at valid_until_ts, v5", cur, NOW, "5", true],
      ["current key, event after valid_until_ts, v5", cur, NOW + 1, "5", false],
      ["current key, event after valid_until_ts, v11", cur, NOW + 1, "11", false],
      ["current key, event after valid_until_ts, v4 (ignored)", cur, NOW + 1, "4", true],
      ["current key, event after valid_until_ts, v1 (ignored)", cur, NOW + 365 * DAY, "1", true],
      ["old key, event before expired_ts, v5", old, NOW - 1, "5", true],
      ["old key, event at expired_ts, v5", old, NOW, "5", true],
      ["old key, event after expired_ts, v5", old, NOW + 1, "5", false],
      ["old key, event after expired_ts, v3", old, NOW + 1, "3", false],
    ];
    for (const [what, key, ts, version, valid] of rows) {
      it(`${what}: ${valid ? "valid" : "invalid"}`, () => {
        expect(keyValidForEvent(key, ts, roomVersion(version))).to.equal(valid);
      });
    }

    it("applies the 7-day cap from the fetch in v5+", () => {
      const [key] = verifyServerKeys(response({ validUntilTs: NOW + 365 * DAY }), opts);
      expect(keyValidForEvent(key!, NOW + 6 * DAY, roomVersion("5"))).to.equal(true);
      expect(keyValidForEvent(key!, NOW + 8 * DAY, roomVersion("5"))).to.equal(false);
      expect(keyValidForEvent(key!, NOW + 8 * DAY, roomVersion("4"))).to.equal(true);
    });

    it("lets only current, unexpired keys authenticate requests", () => {
      expect(keyValidForRequest(cur, NOW)).to.equal(true);
      expect(keyValidForRequest(cur, NOW + 1)).to.equal(false);
      expect(keyValidForRequest(old, NOW - DAY)).to.equal(false);
    });
  });

  describe("notary (/_matrix/key/v2/query)", () => {
    const notarised = (r: JsonObject, key = notaryKey) => signJson(r, "notary.example", key.keyId, key);
    const trust = new Map([[notaryKey.keyId, notaryKey.publicKeyBase64]]);
    const nopts = { notary: "notary.example", notaryKeys: trust, fetchedAt: NOW };
    const otherServer = buildServerKeys(
      { serverName: "other.example", verifyKeys: [{ keyId: second.keyId, publicKey: second.publicKeyBase64 }], validUntilTs: NOW + DAY },
      [second],
    );

    it("accepts entries signed by the origin and the trusted notary", () => {
      const out = verifyNotaryResponse({ server_keys: [notarised(response()), notarised(otherServer)] }, nopts);
      expect(out.rejected).to.deep.equal([]);
      expect(out.keys.map((k) => `${k.serverName} ${k.keyId}`)).to.deep.equal([
        "example.org ed25519:cur",
        "example.org ed25519:two",
        "example.org ed25519:old",
        "other.example ed25519:two",
      ]);
    });

    it("accepts the notary's own keys (signed by itself in both roles)", () => {
      const own = buildServerKeys(
        {
          serverName: "notary.example",
          verifyKeys: [{ keyId: notaryKey.keyId, publicKey: notaryKey.publicKeyBase64 }],
          validUntilTs: NOW + DAY,
        },
        [notaryKey],
      );
      expect(verifyNotaryResponse({ server_keys: [own] }, nopts).keys).to.have.length(1);
    });

    it("rejects entries the notary did not sign, signed with an untrusted key, or tampered, keeping the good ones", () => {
      const tampered = { ...notarised(otherServer), valid_until_ts: NOW + 2 * DAY };
      const out = verifyNotaryResponse(
        { server_keys: [response(), notarised(response(), stranger), tampered, notarised(otherServer), { nope: 1 }] },
        nopts,
      );
      expect(out.keys.map((k) => k.serverName)).to.deep.equal(["other.example"]);
      expect(out.rejected.map((r) => [r.serverName, r.reason])).to.deep.equal([
        ["example.org", "entry is not signed by notary notary.example"],
        ["example.org", "entry is not signed by notary notary.example with a trusted key"],
        ["other.example", "signature by notary.example with ed25519:notary does not verify"],
        [undefined, "server_name is missing or not a string"],
      ]);
    });

    it("rejects an entry whose origin self-signature fails even if the notary signed it", () => {
      const forged = notarised({ ...response(), valid_until_ts: NOW + 100 * DAY });
      const out = verifyNotaryResponse({ server_keys: [forged] }, nopts);
      expect(out.keys).to.deep.equal([]);
      expect(out.rejected[0]!.reason).to.equal("signature by example.org with ed25519:cur does not verify");
    });

    it("ignores servers that were not asked about", () => {
      const out = verifyNotaryResponse(
        { server_keys: [notarised(response()), notarised(otherServer)] },
        { ...nopts, requested: new Set(["other.example"]) },
      );
      expect(out.keys.map((k) => k.serverName)).to.deep.equal(["other.example"]);
    });

    it("rejects a response without server_keys", () => {
      expectError(() => verifyNotaryResponse({}, nopts), "BAD_KEY", "server_keys");
    });

    it("builds the batch query body with minimum_valid_until_ts", () => {
      expect(
        notaryQueryBody([
          { serverName: "example.org", keyId: "ed25519:abc123", minimumValidUntilTs: 1234567890 },
          { serverName: "other.example", minimumValidUntilTs: 5 },
        ]),
      ).to.deep.equal({
        server_keys: { "example.org": { "ed25519:abc123": { minimum_valid_until_ts: 1234567890 } }, "other.example": {} },
      });
    });
  });
});
