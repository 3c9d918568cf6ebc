import { expect } from "chai";
import { sharedSecretMac } from "../../../../components/clientapi/auth/shared-secret-mac.js";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

const PATH = "/_synapse/admin/v1/register";

/** Synapse's shared-secret registration, as admin tools drive it (not part of the Matrix spec). */
export function sharedSecretCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);
  const nonce = async () => (await client().expectOk("GET", PATH)).nonce as string;

  it("registers an admin with a nonce and the HMAC, once per nonce", async () => {
    const username = uniqueName("admin");
    const fields = { nonce: await nonce(), username, password: "admin pw", admin: true };
    const body = await client().expectOk("POST", PATH, { body: { ...fields, mac: sharedSecretMac(server().sharedSecret, fields) } });
    expect(body.user_id).to.equal(`@${username}:${server().serverName}`);
    expect(body.access_token).to.be.a("string");
    await client().login(username, "admin pw");
    // A nonce is good for one registration only.
    const again = { ...fields, username: uniqueName("replay") };
    await client().expectError("POST", PATH, 400, "M_UNKNOWN", { body: { ...again, mac: sharedSecretMac(server().sharedSecret, again) } });
  });

  it("refuses a wrong HMAC with 403 and creates nothing", async () => {
    const username = uniqueName("forged");
    const fields = { nonce: await nonce(), username, password: "pw", admin: false };
    await client().expectError("POST", PATH, 403, "M_FORBIDDEN", { body: { ...fields, mac: sharedSecretMac("not the secret", fields) } });
    expect(await client().expectOk("GET", "/register/available", { spec: "/register/available", query: { username } })).to.deep.equal({
      available: true,
    });
  });

  it("asks for missing fields and refuses invalid user names", async () => {
    await client().expectError("POST", PATH, 400, "M_MISSING_PARAM", { body: { nonce: await nonce(), username: "x", password: "pw" } });
    const fields = { nonce: await nonce(), username: "Bad Name", password: "pw", admin: false };
    await client().expectError("POST", PATH, 400, "M_INVALID_USERNAME", {
      body: { ...fields, mac: sharedSecretMac(server().sharedSecret, fields) },
    });
  });
}
