import { expect } from "chai";
import { verifyThirdPartyInviteSignature } from "../../../components/protocol/auth/third-party-invite.js";
import { encodeBase64Url } from "../../../components/protocol/crypto/base64.js";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import { signJson } from "../../../components/protocol/crypto/signing.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import { expectAllowed, expectDenied } from "./helpers/auth-assert.js";
import { roomWithCreatorJoined } from "./helpers/fake-events.js";

/** Third-party invites checked with real ed25519 signatures: checkAuth's default verifier. */
const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const identityKey = signingKeyFromSeed(Buffer.alloc(32, 7), "0");
const signedBlock = signJson(
  { mxid: BOB, token: "tok", sender: ALICE },
  "id.example",
  identityKey.keyId,
  identityKey,
) as unknown as JsonObject;

function setup(publicKey: string) {
  const r = roomWithCreatorJoined("11", ALICE);
  r.setPowerLevels({ users: { [ALICE]: 100 } } as never);
  r.add({
    type: "m.room.third_party_invite",
    sender: ALICE,
    stateKey: "tok",
    content: { display_name: "b...", key_validity_url: "https://id.example/v", public_key: publicKey },
  });
  return r;
}
const invite = (r: ReturnType<typeof setup>, signed: JsonObject) =>
  r.event({
    type: "m.room.member",
    sender: ALICE,
    stateKey: BOB,
    content: { membership: "invite", third_party_invite: { display_name: "b", signed } },
  });

describe("protocol/auth third-party invites with real signatures", () => {
  it("accepts a token signed by the invite's key with no verifier passed (the default is real)", () => {
    const r = setup(identityKey.publicKeyBase64);
    expectAllowed(invite(r, signedBlock), r.state);
  });

  it("accepts a key published in URL-safe Base64", () => {
    const r = setup(encodeBase64Url(identityKey.publicKey));
    expectAllowed(invite(r, signedBlock), r.state);
  });

  it("rejects a tampered signed block, another key, or a key that is not a key", () => {
    const own = setup(identityKey.publicKeyBase64);
    expectDenied(invite(own, { ...signedBlock, sender: BOB }), own.state, /no signature/);
    const other = setup(signingKeyFromSeed(Buffer.alloc(32, 8), "0").publicKeyBase64);
    expectDenied(invite(other, signedBlock), other.state, /no signature/);
    const junk = setup("not*base64");
    expectDenied(invite(junk, signedBlock), junk.state, /no signature/);
  });

  it("the verifier itself never throws on junk", () => {
    expect(verifyThirdPartyInviteSignature(signedBlock, "id.example", "ed25519:0", "AAAA")).to.equal(false);
    expect(verifyThirdPartyInviteSignature({ signatures: 5 } as never, "id.example", "ed25519:0", identityKey.publicKeyBase64)).to.equal(
      false,
    );
    expect(verifyThirdPartyInviteSignature(signedBlock, "id.example", "ed25519:0", identityKey.publicKeyBase64)).to.equal(true);
  });
});
