import { expectAllowed, expectDenied, expectNoCrash } from "./helpers/auth-assert.js";
import { ALL_VERSIONS, FakeRoom, roomWithCreatorJoined } from "./helpers/fake-events.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const CAROL = "@carol:c.example";

/** alice (creator, 100) joined, power levels set, join rule as given. */
function room(version: string, joinRule?: string, pl: Record<string, unknown> = {}): FakeRoom {
  const r = roomWithCreatorJoined(version);
  r.setPowerLevels({ users: version === "12" ? {} : { [ALICE]: 100 }, ...pl } as never);
  if (joinRule) r.setJoinRule(joinRule);
  return r;
}

const V7_UP = ALL_VERSIONS.filter((v) => Number(v) >= 7);
const V8_UP = ALL_VERSIONS.filter((v) => Number(v) >= 8);

describe("protocol/auth rules: m.room.member", () => {
  describe("structure", () => {
    for (const id of ["1", "11", "12"]) {
      it(`v${id}: no state_key, no membership, or an unknown membership is rejected`, () => {
        const r = room(id, "public");
        expectDenied(r.event({ type: "m.room.member", sender: BOB, content: { membership: "join" } }), r.state, /no state_key/);
        expectDenied(r.event({ type: "m.room.member", sender: BOB, stateKey: BOB, content: {} }), r.state, /no membership/);
        expectDenied(r.member(BOB, "dance"), r.state, /unknown membership/);
        expectDenied(
          r.event({ type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: 5 } }),
          r.state,
          /unknown membership/,
        );
      });
    }
  });

  describe("join", () => {
    for (const id of ALL_VERSIONS) {
      it(`v${id}: the creator's join right after the create event is allowed`, () => {
        const r = new FakeRoom(id);
        expectAllowed(r.member(ALICE, "join"), r.state);
      });
      it(`v${id}: anyone else's join right after the create event is rejected`, () => {
        const r = new FakeRoom(id);
        expectDenied(r.member(BOB, "join"), r.state, /join rule/);
      });
    }

    it("v10: the first-join rule uses content.creator, v11 the create sender", () => {
      const r10 = new FakeRoom("10", ALICE, { creator: CAROL });
      expectDenied(r10.member(ALICE, "join"), r10.state, /join/);
      expectAllowed(r10.member(CAROL, "join"), r10.state);
      const r11 = new FakeRoom("11", ALICE, { creator: CAROL });
      expectAllowed(r11.member(ALICE, "join"), r11.state);
    });

    it("v12: an additional creator is not the creator of the first-join rule", () => {
      const r = new FakeRoom("12", ALICE, { additional_creators: [BOB] });
      expectDenied(r.member(BOB, "join"), r.state, /join rule/);
    });

    for (const id of ALL_VERSIONS) {
      it(`v${id}: public rooms admit anyone not banned, only as themselves`, () => {
        const r = room(id, "public");
        expectAllowed(r.member(BOB, "join"), r.state);
        expectDenied(r.member(BOB, "join", { sender: ALICE }), r.state, /sender does not match state_key/);
        r.setMember(BOB, "ban", ALICE);
        expectDenied(r.member(BOB, "join"), r.state, /banned/);
      });
      it(`v${id}: invite-only rooms admit the invited and the joined`, () => {
        const r = room(id, "invite");
        expectDenied(r.member(BOB, "join"), r.state, /not invited/);
        r.setMember(BOB, "invite", ALICE);
        expectAllowed(r.member(BOB, "join"), r.state);
        r.setMember(BOB, "join");
        expectAllowed(r.member(BOB, "join"), r.state);
        r.setMember(BOB, "leave");
        expectDenied(r.member(BOB, "join"), r.state, /not invited/);
      });
    }

    it("without an m.room.join_rules event the room is invite-only", () => {
      const r = room("11");
      expectDenied(r.member(BOB, "join"), r.state, /join rule/);
      r.setMember(BOB, "invite", ALICE);
      expectAllowed(r.member(BOB, "join"), r.state);
    });

    it("an unknown join rule admits nobody new", () => {
      const r = room("11", "private");
      expectDenied(r.member(BOB, "join"), r.state, /does not allow joining/);
    });

    it("the knock join rule lets the invited join from v7; in v6 it is an unknown rule", () => {
      for (const id of V7_UP) {
        const r = room(id, "knock");
        expectDenied(r.member(BOB, "join"), r.state, /not invited/);
        r.setMember(BOB, "invite", ALICE);
        expectAllowed(r.member(BOB, "join"), r.state);
      }
      const r6 = room("6", "knock");
      r6.setMember(BOB, "invite", ALICE);
      expectDenied(r6.member(BOB, "join"), r6.state, /does not allow joining/);
    });

    describe("restricted and knock_restricted", () => {
      /** carol joined with the given level; invite level 10. */
      function restricted(id: string, rule: string, carolLevel = 50, carolMembership = "join"): FakeRoom {
        const r = room(id, rule, { invite: 10, users: { ...(id === "12" ? {} : { [ALICE]: 100 }), [CAROL]: carolLevel } });
        r.setMember(CAROL, carolMembership, carolMembership === "join" ? CAROL : ALICE);
        return r;
      }
      const via = (r: FakeRoom, user = CAROL, signedBy = "c.example") =>
        r.event({
          type: "m.room.member",
          sender: BOB,
          stateKey: BOB,
          content: { membership: "join", join_authorised_via_users_server: user },
          json: { signatures: { "b.example": { "ed25519:1": "s" }, [signedBy]: { "ed25519:1": "s" } } },
        });

      for (const id of V8_UP) {
        it(`v${id}: restricted admits a join authorised by a joined member who may invite`, () => {
          const r = restricted(id, "restricted");
          expectAllowed(via(r), r.state);
          expectDenied(r.member(BOB, "join"), r.state, /no join_authorised_via_users_server/);
        });
        it(`v${id}: restricted rejects an authorising user who is not joined or may not invite`, () => {
          const invited = restricted(id, "restricted", 50, "invite");
          expectDenied(via(invited), invited.state, /not joined/);
          const low = restricted(id, "restricted", 5);
          expectDenied(via(low), low.state, /may not invite/);
        });
        it(`v${id}: restricted admits the invited without authorisation`, () => {
          const r = restricted(id, "restricted");
          r.setMember(BOB, "invite", ALICE);
          expectAllowed(r.member(BOB, "join"), r.state);
        });
        it(`v${id}: join_authorised_via_users_server must be signed by that user's server`, () => {
          const r = restricted(id, "restricted");
          expectDenied(via(r, CAROL, "elsewhere.example"), r.state, /not signed by c.example/);
          expectDenied(via(r), r.state, /not signed/, { isSignedBy: () => false });
          expectAllowed(via(r, CAROL, "elsewhere.example"), r.state, { isSignedBy: (_e, s) => s === "c.example" });
          expectDenied(via(r, "carol"), r.state, /join_authorised_via_users_server: is not a user ID/);
        });
      }

      it("v7: restricted is an unknown join rule and the authorising key is ignored", () => {
        const r = restricted("7", "restricted");
        expectDenied(via(r), r.state, /does not allow joining/);
        const pub = room("7", "public");
        expectAllowed(via(pub, CAROL, "elsewhere.example"), pub.state);
      });

      it("knock_restricted works like restricted from v10, and is unknown in v8-v9", () => {
        for (const id of ["10", "11", "12"]) {
          const r = restricted(id, "knock_restricted");
          expectAllowed(via(r), r.state);
          const low = restricted(id, "knock_restricted", 5);
          expectDenied(via(low), low.state, /may not invite/);
        }
        for (const id of ["8", "9"]) {
          const r = restricted(id, "knock_restricted");
          expectDenied(via(r), r.state, /does not allow joining/);
        }
      });
    });
  });

  describe("invite", () => {
    for (const id of ALL_VERSIONS) {
      it(`v${id}: a joined member at the invite level may invite someone not joined or banned`, () => {
        const r = room(id, "invite");
        expectAllowed(r.member(BOB, "invite", { sender: ALICE }), r.state);
        r.setMember(BOB, "leave", ALICE);
        expectAllowed(r.member(BOB, "invite", { sender: ALICE }), r.state);
      });
      it(`v${id}: invites by non-members are rejected`, () => {
        const r = room(id, "public");
        expectDenied(r.member(CAROL, "invite", { sender: BOB }), r.state, /invite: sender is not joined/);
        r.setMember(BOB, "invite", ALICE);
        expectDenied(r.member(CAROL, "invite", { sender: BOB }), r.state, /invite: sender is not joined/);
      });
      it(`v${id}: inviting a joined or banned user is rejected`, () => {
        const r = room(id, "public");
        r.setMember(BOB, "join");
        expectDenied(r.member(BOB, "invite", { sender: ALICE }), r.state, /already join/);
        r.setMember(BOB, "ban", ALICE);
        expectDenied(r.member(BOB, "invite", { sender: ALICE }), r.state, /already ban/);
      });
    }
    it("the invite level applies (default 0)", () => {
      const r = room("11", "public", { invite: 50, users: { [ALICE]: 100, [BOB]: 49, [CAROL]: 50 } });
      r.setMember(BOB, "join");
      r.setMember(CAROL, "join");
      expectDenied(r.member("@dave:d.example", "invite", { sender: BOB }), r.state, /below the invite level/);
      expectAllowed(r.member("@dave:d.example", "invite", { sender: CAROL }), r.state);
      const d = room("11", "public", { users: { [ALICE]: 100 } });
      d.setMember(BOB, "join");
      expectAllowed(d.member(CAROL, "invite", { sender: BOB }), d.state);
    });
  });

  describe("leave (including kick and unban)", () => {
    for (const id of ALL_VERSIONS) {
      it(`v${id}: users may leave from join or invite, not from leave or ban`, () => {
        const r = room(id, "public");
        r.setMember(BOB, "join");
        expectAllowed(r.member(BOB, "leave"), r.state);
        r.setMember(BOB, "invite", ALICE);
        expectAllowed(r.member(BOB, "leave"), r.state);
        r.setMember(BOB, "leave");
        expectDenied(r.member(BOB, "leave"), r.state, /cannot leave from membership leave/);
        expectDenied(r.member(CAROL, "leave"), r.state, /cannot leave/);
        r.setMember(BOB, "ban", ALICE);
        expectDenied(r.member(BOB, "leave"), r.state, /cannot leave from membership ban/);
      });
    }
    it("withdrawing a knock is allowed from v7 (in v6 knock is not a membership)", () => {
      for (const id of V7_UP) {
        const r = room(id, "knock");
        r.setMember(BOB, "knock");
        expectAllowed(r.member(BOB, "leave"), r.state);
      }
      const r6 = room("6", "public");
      r6.setMember(BOB, "knock");
      expectDenied(r6.member(BOB, "leave"), r6.state, /cannot leave from membership knock/);
    });

    for (const id of ALL_VERSIONS) {
      it(`v${id}: kicking needs the kick level and more power than the target`, () => {
        const users = { ...(id === "12" ? {} : { [ALICE]: 100 }), [BOB]: 50, [CAROL]: 50, "@dave:d.example": 10 };
        const r = room(id, "public", { users, kick: 50 });
        for (const u of [BOB, CAROL, "@dave:d.example"]) r.setMember(u, "join");
        expectAllowed(r.member("@dave:d.example", "leave", { sender: BOB }), r.state);
        expectDenied(r.member(CAROL, "leave", { sender: BOB }), r.state, /kick/);
        expectDenied(r.member(BOB, "leave", { sender: "@dave:d.example" }), r.state, /kick/);
        expectDenied(r.member(BOB, "leave", { sender: "@eve:e.example" }), r.state, /kick: sender is not joined/);
      });
    }
    it("kicking with a raised kick level", () => {
      const r = room("11", "public", { users: { [ALICE]: 100, [BOB]: 60 }, kick: 70 });
      r.setMember(BOB, "join");
      r.setMember(CAROL, "join");
      expectDenied(r.member(CAROL, "leave", { sender: BOB }), r.state, /kick level/);
      expectAllowed(r.member(CAROL, "leave", { sender: ALICE }), r.state);
    });
    it("unbanning needs the ban level as well as the kick level", () => {
      const r = room("11", "public", { users: { [ALICE]: 100, [BOB]: 55 }, kick: 50, ban: 60 });
      r.setMember(BOB, "join");
      r.setMember(CAROL, "ban", ALICE);
      expectDenied(r.member(CAROL, "leave", { sender: BOB }), r.state, /unban/);
      expectAllowed(r.member(CAROL, "leave", { sender: ALICE }), r.state);
      const r2 = room("11", "public", { users: { [ALICE]: 100, [BOB]: 55 }, kick: 60, ban: 50 });
      r2.setMember(BOB, "join");
      r2.setMember(CAROL, "ban", ALICE);
      expectDenied(r2.member(CAROL, "leave", { sender: BOB }), r2.state, /kick level/);
    });
  });

  describe("ban", () => {
    for (const id of ALL_VERSIONS) {
      it(`v${id}: banning needs the ban level and more power than the target`, () => {
        const users = { ...(id === "12" ? {} : { [ALICE]: 100 }), [BOB]: 50, [CAROL]: 50 };
        const r = room(id, "public", { users });
        r.setMember(BOB, "join");
        r.setMember(CAROL, "join");
        expectAllowed(r.member("@dave:d.example", "ban", { sender: BOB }), r.state);
        expectDenied(r.member(CAROL, "ban", { sender: BOB }), r.state, /ban/);
        expectDenied(r.member(BOB, "ban", { sender: "@dave:d.example" }), r.state, /ban: sender is not joined/);
      });
    }
    it("the ban level applies", () => {
      const r = room("11", "public", { users: { [ALICE]: 100, [BOB]: 50 }, ban: 75 });
      r.setMember(BOB, "join");
      expectDenied(r.member(CAROL, "ban", { sender: BOB }), r.state, /ban level/);
    });
    it("v12: nobody can ban or kick a creator; v11: a higher user can ban the creator", () => {
      const r12 = room("12", "public", { users: { [BOB]: 1000 } });
      r12.setMember(BOB, "join");
      expectDenied(r12.member(ALICE, "ban", { sender: BOB }), r12.state, /ban/);
      expectDenied(r12.member(ALICE, "leave", { sender: BOB }), r12.state, /kick/);
      expectAllowed(r12.member(BOB, "ban", { sender: ALICE }), r12.state);
      const r11 = room("11", "public", { users: { [ALICE]: 50, [BOB]: 1000 } });
      r11.setMember(BOB, "join");
      expectAllowed(r11.member(ALICE, "ban", { sender: BOB }), r11.state);
    });
    it("v12: additional creators are privileged too", () => {
      const r = new FakeRoom("12", ALICE, { additional_creators: [BOB] });
      r.setMember(ALICE, "join");
      r.setPowerLevels({ users: { [CAROL]: 100 } });
      r.setJoinRule("public");
      r.setMember(BOB, "join");
      r.setMember(CAROL, "join");
      expectAllowed(r.member(CAROL, "ban", { sender: BOB }), r.state);
      expectDenied(r.member(BOB, "ban", { sender: CAROL }), r.state, /ban/);
      expectDenied(r.member(ALICE, "ban", { sender: BOB }), r.state, /ban/);
    });
  });

  describe("knock", () => {
    for (const id of V7_UP) {
      it(`v${id}: knocking is allowed on knock rooms for users not banned, invited or joined`, () => {
        const r = room(id, "knock");
        expectAllowed(r.member(BOB, "knock"), r.state);
        expectDenied(r.member(BOB, "knock", { sender: CAROL }), r.state, /sender does not match/);
        for (const m of ["ban", "invite", "join"]) {
          r.setMember(BOB, m, ALICE);
          expectDenied(r.member(BOB, "knock"), r.state, new RegExp(`cannot knock from membership ${m}`));
        }
        r.setMember(BOB, "leave", ALICE);
        expectAllowed(r.member(BOB, "knock"), r.state);
      });
      it(`v${id}: knocking on a public or invite room is rejected`, () => {
        for (const rule of ["public", "invite"]) {
          const r = room(id, rule);
          expectDenied(r.member(BOB, "knock"), r.state, /does not allow knocking/);
        }
      });
    }
    for (const id of ["1", "6"]) {
      it(`v${id}: knock is an unknown membership`, () => {
        const r = room(id, "knock");
        expectDenied(r.member(BOB, "knock"), r.state, /unknown membership/);
      });
    }
    it("knock_restricted allows knocking from v10 only", () => {
      for (const id of ["10", "11", "12"]) {
        const r = room(id, "knock_restricted");
        expectAllowed(r.member(BOB, "knock"), r.state);
      }
      for (const id of ["7", "8", "9"]) {
        const r = room(id, "knock_restricted");
        expectDenied(r.member(BOB, "knock"), r.state, /does not allow knocking/);
      }
    });
  });

  describe("malformed content never crashes", () => {
    const contents: unknown[] = [
      { membership: null },
      { membership: ["join"] },
      { membership: "invite", third_party_invite: null },
      { membership: "invite", third_party_invite: [] },
      { membership: "invite", third_party_invite: { signed: "x" } },
      { membership: "invite", third_party_invite: { signed: { mxid: 1, token: {} } } },
      { membership: "join", join_authorised_via_users_server: 42 },
      { membership: "join", join_authorised_via_users_server: null },
    ];
    for (const id of ["1", "9", "10", "12"]) {
      it(`v${id}: every malformed member event fails with a ProtocolError`, () => {
        const r = room(id, "restricted");
        // A broken state must not crash either.
        r.add({ type: "m.room.join_rules", sender: ALICE, stateKey: "", content: { join_rule: 7 } as never });
        r.add({ type: "m.room.member", sender: CAROL, stateKey: CAROL, content: { membership: { x: 1 } } as never });
        for (const content of contents) {
          expectNoCrash(r.event({ type: "m.room.member", sender: BOB, stateKey: BOB, content: content as never }), r.state);
          expectNoCrash(r.event({ type: "m.room.member", sender: ALICE, stateKey: CAROL, content: content as never }), r.state);
        }
      });
    }
  });
});
