import { expect } from "chai";
import { parseTrustedKeyServer } from "../../../components/internal/config/values.js";
import { MatrixError } from "../../../components/internal/http/matrix-error.js";
import { isPrivateAddress } from "../../../components/federationapi/requests/private-addresses.js";
import { parseNotaryQuery } from "../../../components/federationapi/routing/keys.js";

const NOW = 1_700_000_000_000;

describe("federationapi key queries, notaries and destinations", () => {
  it("reads the spec's example notary query, and fills in now for missing criteria", () => {
    const example = { server_keys: { "example.org": { "ed25519:abc123": { minimum_valid_until_ts: 1234567890 } } } };
    expect(parseNotaryQuery(example, NOW)).to.deep.equal([
      { serverName: "example.org", criteria: [{ serverName: "example.org", keyId: "ed25519:abc123", minimumValidUntilTs: 1234567890 }] },
    ]);
    expect(parseNotaryQuery({ server_keys: { "a.test": { "ed25519:x": {} }, "b.test": {} } }, NOW)).to.deep.equal([
      { serverName: "a.test", criteria: [{ serverName: "a.test", keyId: "ed25519:x", minimumValidUntilTs: NOW }] },
      { serverName: "b.test", criteria: [{ serverName: "b.test", minimumValidUntilTs: NOW }] },
    ]);
    expect(parseNotaryQuery({ server_keys: {} }, NOW)).to.deep.equal([]);
  });

  for (const [name, body, errcode] of [
    ["no server_keys", {}, "M_BAD_JSON"],
    ["server_keys as a list", { server_keys: ["a.test"] }, "M_BAD_JSON"],
    ["an invalid server name", { server_keys: { "a b": {} } }, "M_BAD_JSON"],
    ["key IDs as a list", { server_keys: { "a.test": ["ed25519:x"] } }, "M_BAD_JSON"],
    ["a negative minimum_valid_until_ts", { server_keys: { "a.test": { "ed25519:x": { minimum_valid_until_ts: -1 } } } }, "M_BAD_JSON"],
    [
      "more than 100 servers",
      { server_keys: Object.fromEntries([...Array(101).keys()].map((i) => [`s${i}.test`, {}])) },
      "M_LIMIT_EXCEEDED",
    ],
  ] as const) {
    it(`refuses a notary query with ${name}`, () => {
      try {
        parseNotaryQuery(body as Record<string, unknown>, NOW);
        expect.fail("accepted");
      } catch (e) {
        expect(e).to.be.instanceOf(MatrixError);
        expect([(e as MatrixError).status, (e as MatrixError).errcode]).to.deep.equal([400, errcode]);
      }
    });
  }

  it("parses federation.trusted_key_servers entries: a notary's name and its key", () => {
    const key = "l8Hft5qXKn1vfHrg3p4+W8gELQVo8N13JkluMfmn2sQ";
    expect(parseTrustedKeyServer(`matrix.org ed25519:auto ${key}`)).to.deep.equal({
      serverName: "matrix.org",
      keyId: "ed25519:auto",
      publicKey: key,
    });
    expect(parseTrustedKeyServer("matrix.org")).to.equal(null); // the key is required: a fetched key proves nothing
    expect(parseTrustedKeyServer(`matrix.org ed25519:auto short`)).to.equal(null);
    expect(parseTrustedKeyServer(`bad_name! ed25519:auto ${key}`)).to.equal(null);
  });

  it("knows loopback, private, link-local and mapped addresses from public ones", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "not an ip",
    ]) {
      expect(isPrivateAddress(a), a).to.equal(true);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "172.32.0.1"])
      expect(isPrivateAddress(a), a).to.equal(false);
  });
});
