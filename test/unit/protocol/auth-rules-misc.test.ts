import { expect } from "chai";
import { stateKeyOf } from "../../../components/protocol/events/event.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import {
  thirdPartyInvitePublicKeys,
  verifyThirdPartyInviteSigned,
  type SignatureVerifier,
} from "../../../components/protocol/auth/third-party-invite.js";
import { expectAllowed, expectDenied, expectNoCrash } from "./helpers/auth-assert.js";
import type { FakeRoom } from "./helpers/fake-events.js";
import { ALL_VERSIONS, fakeEvent, roomWithCreatorJoined } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const CAROL = "@carol:c.example";

function room(id: string, pl: Record<string, unknown> = {}, createContent: JsonObject = {}): FakeRoom {
  const r = roomWithCreatorJoined(id, ALICE, createContent);
  r.setPowerLevels({ users: id === "12" ? {} : { [ALICE]: 100 }, ...pl } as never);
  r.setJoinRule("public");
  return r;
}
const msg = (r: FakeRoom, sender: string, type = "m.room.message") => r.event({ type, sender, content: { body: "hi" } });
const stateEv = (r: FakeRoom, sender: string, type: string, stateKey = "") => r.event({ type, sender, stateKey, content: { x: 1 } });

describe("protocol/auth rules: common rules", () => {
  for (const id of ALL_VERSIONS) {
    it(`v${id}: the sender must be joined`, () => {
      const r = room(id);
      expectAllowed(msg(r, ALICE), r.state);
      expectDenied(msg(r, BOB), r.state, /sender is not joined/);
      r.setMember(BOB, "invite", ALICE);
      expectDenied(msg(r, BOB), r.state, /sender is not joined/);
      r.setMember(BOB, "join");
      expectAllowed(msg(r, BOB), r.state);
      r.setMember(BOB, "leave");
      expectDenied(msg(r, BOB), r.state, /sender is not joined/);
    });

    it(`v${id}: state events need state_default (50) and messages events_default`, () => {
      const r = room(id, { events_default: 10, users: { ...(id === "12" ? {} : { [ALICE]: 100 }), [CAROL]: 10 } });
      r.setMember(BOB, "join");
      r.setMember(CAROL, "join");
      expectDenied(msg(r, BOB), r.state, /needs 10, sender has 0/);
      expectAllowed(msg(r, CAROL), r.state);
      expectDenied(stateEv(r, CAROL, "m.room.name"), r.state, /needs 50/);
      expectAllowed(stateEv(r, ALICE, "m.room.name"), r.state);
    });

    it(`v${id}: events overrides the defaults`, () => {
      const r = room(id, { events: { "m.room.topic": 0, "m.reaction": 20 } });
      r.setMember(BOB, "join");
      expectAllowed(stateEv(r, BOB, "m.room.topic"), r.state);
      expectDenied(msg(r, BOB, "m.reaction"), r.state, /needs 20/);
    });

    it(`v${id}: a state_key starting with @ may only be set by that user`, () => {
      const r = room(id, { state_default: 0 });
      r.setMember(BOB, "join");
      expectAllowed(stateEv(r, BOB, "m.custom", BOB), r.state);
      expectDenied(stateEv(r, ALICE, "m.custom", BOB), r.state, /state_key/);
      expectDenied(stateEv(r, BOB, "m.custom", "@"), r.state, /state_key/);
      expectAllowed(stateEv(r, BOB, "m.custom", "bob"), r.state);
    });

    it(`v${id}: m.federate false keeps other servers out`, () => {
      const r = room(id, {}, { "m.federate": false });
      expectDenied(r.member(BOB, "join"), r.state, /m.federate/);
      expectAllowed(r.member("@al2:a.example", "join"), r.state);
      const open = room(id, {}, { "m.federate": true });
      expectAllowed(open.member(BOB, "join"), open.state);
    });

    it(`v${id}: without an m.room.create event in the state everything is rejected`, () => {
      const r = room(id);
      r.state.delete(stateKeyOf("m.room.create", ""));
      expectDenied(msg(r, ALICE), r.state, /no m.room.create/);
    });

    it(`v${id}: m.room.third_party_invite needs the invite level, not state_default`, () => {
      const r = room(id, { invite: 0, state_default: 100 });
      r.setMember(BOB, "join");
      expectAllowed(stateEv(r, BOB, "m.room.third_party_invite", "tok"), r.state);
      const strict = room(id, { invite: 30 });
      strict.setMember(BOB, "join");
      expectDenied(stateEv(strict, BOB, "m.room.third_party_invite", "tok"), strict.state, /invite level/);
      expectDenied(stateEv(strict, CAROL, "m.room.third_party_invite", "tok"), strict.state, /sender is not joined/);
    });
  }

  it("v1-v11: the create event must be from the same room", () => {
    const r = room("11");
    const ev = fakeEvent("11", { type: "m.room.message", sender: ALICE, roomId: "!other:a.example", content: {} });
    expectDenied(ev, r.state, /another room/);
  });

  it("v12: the room ID must be the create event's ID", () => {
    const r = room("12");
    expectDenied(
      fakeEvent("12", { type: "m.room.message", sender: ALICE, roomId: "!elsewhere", content: {} }),
      r.state,
      /room_id is not the create event's ID/,
    );
  });

  describe("m.room.aliases", () => {
    for (const id of ["1", "3", "5"]) {
      it(`v${id}: allowed iff the state_key is the sender's server, even for non-members`, () => {
        const r = room(id, { state_default: 100 });
        expectAllowed(stateEv(r, BOB, "m.room.aliases", "b.example"), r.state);
        expectDenied(stateEv(r, BOB, "m.room.aliases", "a.example"), r.state, /m.room.aliases/);
        expectDenied(msg(r, BOB, "m.room.aliases"), r.state, /m.room.aliases: no state_key/);
      });
    }
    for (const id of ["6", "11", "12"]) {
      it(`v${id}: aliases follow the ordinary rules`, () => {
        const r = room(id);
        expectDenied(stateEv(r, BOB, "m.room.aliases", "b.example"), r.state, /sender is not joined/);
        r.setMember(BOB, "join");
        expectDenied(stateEv(r, BOB, "m.room.aliases", "b.example"), r.state, /needs 50/);
        expectAllowed(stateEv(r, ALICE, "m.room.aliases", "anything"), r.state);
      });
    }
  });

  describe("m.room.redaction", () => {
    const redaction = (r: FakeRoom, sender: string, redacts: string | undefined) =>
      r.event({ type: "m.room.redaction", sender, content: {}, ...(redacts ? { redacts } : {}) });
    for (const id of ["1", "2"]) {
      it(`v${id}: needs the redact level unless the redacted event is from the redaction's server`, () => {
        const r = room(id, { redact: 50, users: { [ALICE]: 100, [CAROL]: 50 } });
        r.setMember(BOB, "join");
        r.setMember(CAROL, "join");
        expectAllowed(redaction(r, BOB, "$x:b.example"), r.state);
        expectDenied(redaction(r, BOB, "$x:a.example"), r.state, /redact level/);
        expectDenied(redaction(r, BOB, undefined), r.state, /redact level/);
        expectAllowed(redaction(r, CAROL, "$x:a.example"), r.state);
      });
    }
    for (const id of ["3", "11", "12"]) {
      it(`v${id}: the redact level is not an auth rule (only events/events_default)`, () => {
        const r = room(id, { redact: 50 });
        r.setMember(BOB, "join");
        expectAllowed(redaction(r, BOB, "$elsewhere"), r.state);
        const strict = room(id, { events: { "m.room.redaction": 10 } });
        strict.setMember(BOB, "join");
        expectDenied(redaction(strict, BOB, "$elsewhere"), strict.state, /needs 10/);
      });
    }
  });
});

describe("protocol/auth rules: third-party invites", () => {
  const SIGNED = { mxid: BOB, token: "tok", signatures: { "id.example": { "ed25519:0": "sig" } } };
  /** Accepts only id.example's ed25519:0 signature with key PK2 over a block naming bob. */
  const verify: SignatureVerifier = (obj, server, keyId, key) =>
    server === "id.example" && keyId === "ed25519:0" && key === "PK2" && obj["mxid"] === BOB;

  function setup(id: string) {
    const r = room(id);
    r.add({
      type: "m.room.third_party_invite",
      sender: ALICE,
      stateKey: "tok",
      content: { display_name: "b...", key_validity_url: "https://id.example/v", public_key: "PK1", public_keys: [{ public_key: "PK2" }] },
    });
    return r;
  }
  const invite = (r: FakeRoom, tpi: unknown, sender = ALICE, target = BOB) =>
    r.event({ type: "m.room.member", sender, stateKey: target, content: { membership: "invite", third_party_invite: tpi as never } });

  for (const id of ALL_VERSIONS) {
    it(`v${id}: a correctly signed token is accepted`, () => {
      const r = setup(id);
      expectAllowed(invite(r, { display_name: "b", signed: SIGNED }), r.state, { verifySignature: verify });
    });
  }

  it("each malformed or unproven invite is rejected with the rule's reason", () => {
    const r = setup("11");
    const opts = { verifySignature: verify };
    expectDenied(invite(r, { display_name: "b" }), r.state, /no signed object/, opts);
    expectDenied(invite(r, "x"), r.state, /no signed object/, opts);
    expectDenied(invite(r, { signed: { token: "tok", signatures: SIGNED.signatures } }), r.state, /mxid and token/, opts);
    expectDenied(invite(r, { signed: { ...SIGNED, token: 5 } }), r.state, /mxid and token/, opts);
    expectDenied(invite(r, { signed: { ...SIGNED, mxid: CAROL } }, ALICE, BOB), r.state, /mxid does not match/, opts);
    expectDenied(invite(r, { signed: { ...SIGNED, token: "other" } }), r.state, /no m.room.third_party_invite/, opts);
    expectDenied(invite(r, { signed: { ...SIGNED, signatures: { "id.example": { "ed25519:1": "s" } } } }), r.state, /no signature/, opts);
    expectDenied(invite(r, { signed: { ...SIGNED, signatures: { "id.example": { "curve:0": "s" } } } }), r.state, /no signature/, {
      verifySignature: () => true,
    });
    expectDenied(invite(r, { signed: SIGNED }), r.state, /no signature/); // no verifier: cannot be proven
  });

  it("the sender must be whoever sent the m.room.third_party_invite", () => {
    const r = setup("11");
    r.setMember(CAROL, "join");
    expectDenied(invite(r, { signed: SIGNED }, CAROL), r.state, /did not send/, { verifySignature: verify });
  });

  it("a banned target cannot be invited by token", () => {
    const r = setup("11");
    r.setMember(BOB, "ban", ALICE);
    expectDenied(invite(r, { signed: SIGNED }), r.state, /target is banned/, { verifySignature: verify });
  });

  it("a throwing verifier counts as no match", () => {
    const r = setup("11");
    expectDenied(invite(r, { signed: SIGNED }), r.state, /no signature/, {
      verifySignature: () => {
        throw new Error("bad key");
      },
    });
  });

  it("thirdPartyInvitePublicKeys lists public_key and public_keys, skipping junk", () => {
    expect(
      thirdPartyInvitePublicKeys({ public_key: "A", public_keys: [{ public_key: "B" }, 5, { public_key: 7 }, null] as never }),
    ).to.deep.equal(["A", "B"]);
    expect(thirdPartyInvitePublicKeys({ public_keys: "x" })).to.deep.equal([]);
  });

  it("verifyThirdPartyInviteSigned passes the signed block and each key to the verifier", () => {
    const seen: string[] = [];
    const ok = verifyThirdPartyInviteSigned(SIGNED, { public_key: "A", public_keys: [{ public_key: "B" }] }, (obj, s, k, key) => {
      seen.push(`${s}/${k}/${key}/${String(obj["token"])}`);
      return false;
    });
    expect(ok).to.equal(false);
    expect(seen).to.deep.equal(["id.example/ed25519:0/A/tok", "id.example/ed25519:0/B/tok"]);
    expect(verifyThirdPartyInviteSigned({ signatures: "x" }, { public_key: "A" }, () => true)).to.equal(false);
  });

  it("malformed third-party invite state never crashes", () => {
    const r = room("11");
    r.add({
      type: "m.room.third_party_invite",
      sender: ALICE,
      stateKey: "tok",
      content: { public_key: 5, public_keys: { a: 1 } } as never,
    });
    expectNoCrash(invite(r, { signed: SIGNED }), r.state, { verifySignature: verify });
  });
});
