import { expect } from "chai";
import { macMatches, sharedSecretMac } from "../../../components/clientapi/auth/shared-secret-mac.js";

/** Vectors computed independently with Python's hmac module, as Synapse's docs compute the MAC. */
describe("clientapi: shared-secret registration MAC", () => {
  const fields = { nonce: "abcd", username: "alice", password: "wonderland", admin: false };

  it("is HMAC-SHA1 over nonce, user, password and notadmin, NUL-separated", () => {
    expect(sharedSecretMac("shared", fields)).to.equal("dbdf75a7fa429b22a09b0d9f5497322980525f74");
  });

  it("appends the user type when given, after admin", () => {
    expect(sharedSecretMac("shared", { ...fields, admin: true, userType: "bot" })).to.equal("f4cb002b65c244d21398111a46fb8a6fa1f0abfe");
  });

  it("accepts the MAC in either case and refuses any other", () => {
    expect(macMatches("shared", fields, "DBDF75A7FA429B22A09B0D9F5497322980525F74")).to.equal(true);
    expect(macMatches("shared", { ...fields, admin: true }, "dbdf75a7fa429b22a09b0d9f5497322980525f74")).to.equal(false);
    expect(macMatches("other", fields, "dbdf75a7fa429b22a09b0d9f5497322980525f74")).to.equal(false);
    expect(macMatches("shared", fields, "short")).to.equal(false);
  });
});
