import { expect } from "chai";
import { encodeBase64 } from "../../../components/protocol/crypto/base64.js";
import { buildEvent, type BuildEventOptions } from "../../../components/protocol/events/build.js";
import { checkContentHash, referenceHash } from "../../../components/protocol/events/hashes.js";
import { parseEvent } from "../../../components/protocol/events/parse.js";
import { requiredSignatureServers, verifyEventSignature } from "../../../components/protocol/events/signatures.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { expectProtocolError, SPEC_KEY } from "./corefixtures.js";

function opts(version: string, extra: Partial<BuildEventOptions> = {}): BuildEventOptions {
  return {
    roomVersion: version,
    prevEvents: [],
    authEvents: [],
    origin: "domain",
    keyId: "ed25519:1",
    privateKey: SPEC_KEY,
    originServerTs: 1234,
    ...extra,
  };
}

describe("protocol/events/build", () => {
  for (const version of ["1", "2", "3", "4", "6", "10", "11", "12"]) {
    it(`builds a verifiable chain in room v${version}`, () => {
      const rv = roomVersion(version);
      const create = buildEvent(
        {
          type: "m.room.create",
          sender: "@alice:domain",
          state_key: "",
          content: { room_version: version, creator: "@alice:domain" },
          room_id: "!r:domain",
        },
        opts(version),
      );
      const roomId = create.roomId;
      const member = buildEvent(
        { type: "m.room.member", sender: "@alice:domain", state_key: "@alice:domain", content: { membership: "join" }, room_id: roomId },
        opts(version, { prevEvents: [create], authEvents: rv.roomIdFromCreateEvent ? [] : [create] }),
      );
      const msg = buildEvent(
        {
          type: "m.room.message",
          sender: "@alice:domain",
          content: { body: "hello", n: 1 },
          room_id: roomId,
          unsigned: { transaction_id: "t1" },
        },
        opts(version, { prevEvents: [member], authEvents: [member] }),
      );
      expect(member.depth).to.equal(2);
      expect(msg.depth).to.equal(3);
      expect(msg.prevEventIds).to.deep.equal([member.eventId]);
      expect(msg.json.unsigned).to.deep.equal({ transaction_id: "t1" });
      for (const e of [create, member, msg]) {
        expect(checkContentHash(e.json)).to.equal(true);
        expect(verifyEventSignature(e.json, rv, "domain", "ed25519:1", SPEC_KEY.publicKey)).to.equal(true);
        // Round trip: parsing what was built gives the same ID, room and references.
        const again = parseEvent(e.canonicalJson(), version);
        expect(again.eventId).to.equal(e.eventId);
        expect(again.roomId).to.equal(e.roomId);
        expect(again.prevEventIds).to.deep.equal(e.prevEventIds);
        expect(e.referenceHash()).to.deep.equal(referenceHash(e.json, rv));
      }
      if (rv.eventFormat === "v1") {
        expect(msg.eventId).to.match(/^\$[A-Za-z0-9_-]+:domain$/);
        expect(msg.json.prev_events).to.deep.equal([[member.eventId, { sha256: encodeBase64(member.referenceHash()) }]]);
      } else {
        expect(msg.json.prev_events).to.deep.equal([member.eventId]);
        expect(msg.json.event_id).to.equal(undefined);
      }
      if (rv.roomIdFromCreateEvent) {
        expect(create.json.room_id).to.equal(undefined);
        expect(roomId).to.equal("!" + create.eventId.slice(1));
      } else {
        expect(roomId).to.equal("!r:domain");
      }
    });
  }

  it("places redacts top-level before v11 and in content from v11", () => {
    const t = { type: "m.room.redaction", sender: "@a:domain", room_id: "!r:domain", content: { reason: "spam" }, redacts: "$x" };
    const v10 = buildEvent(t, opts("10", { depth: 5 }));
    expect(v10.json.redacts).to.equal("$x");
    expect(v10.redacts).to.equal("$x");
    const v11 = buildEvent(t, opts("11", { depth: 5 }));
    expect(v11.json.redacts).to.equal(undefined);
    expect(v11.content).to.deep.equal({ reason: "spam", redacts: "$x" });
    expect(v11.redacts).to.equal("$x");
  });

  it("takes explicit references and depth, and a given v1 event ID", () => {
    const e = buildEvent(
      { type: "x", sender: "@a:domain", room_id: "!r:domain", content: {} },
      opts("1", { prevEvents: [{ eventId: "$p:domain", sha256: "abc" }], depth: 9, eventId: "$mine:domain" }),
    );
    expect(e.eventId).to.equal("$mine:domain");
    expect(e.json.prev_events).to.deep.equal([["$p:domain", { sha256: "abc" }]]);
    expect(e.depth).to.equal(9);
    expect(requiredSignatureServers(e)).to.deep.equal(new Set(["domain"]));
    const v4 = buildEvent(
      { type: "x", sender: "@a:domain", room_id: "!r:domain", content: {} },
      opts("4", { prevEvents: ["$p"], authEvents: ["$a"], depth: 2 }),
    );
    expect(v4.json.prev_events).to.deep.equal(["$p"]);
  });

  it("refuses what it cannot build", () => {
    const t = { type: "x", sender: "@a:domain", room_id: "!r:domain", content: {} };
    expectProtocolError(() => buildEvent(t, opts("1", { prevEvents: ["$p:domain"], depth: 2 })), "BAD_EVENT", /reference hashes/);
    expectProtocolError(() => buildEvent(t, opts("4", { prevEvents: ["$p"] })), "BAD_EVENT", /depth must be given/);
    expectProtocolError(() => buildEvent({ ...t, content: { n: 1.5 } }, opts("6")), "BAD_JSON", /content\.n/);
    expectProtocolError(() => buildEvent({ ...t, sender: "nobody" }, opts("6")), "BAD_ID", /sender/);
    expectProtocolError(() => buildEvent({ type: "x", sender: "@a:domain", content: {} }, opts("6")), "BAD_EVENT", /room_id/);
    expectProtocolError(() => buildEvent({ ...t, content: { body: "x".repeat(70000) } }, opts("6")), "TOO_LARGE");
    // Counted in UTF-8 bytes, signatures included: 33,000 "é" are 66,000 bytes, 32,000 fit.
    expectProtocolError(() => buildEvent({ ...t, content: { body: "é".repeat(33000) } }, opts("6")), "TOO_LARGE", /bytes/);
    expect(buildEvent({ ...t, content: { body: "é".repeat(32000) } }, opts("6")).canonicalJson().length).to.be.greaterThan(32000);
    expectProtocolError(() => buildEvent({ ...t, state_key: "k".repeat(300) }, opts("6")), "TOO_LARGE", /state_key/);
  });

  it("names the restricted-join authoriser among required signers", () => {
    const e = buildEvent(
      {
        type: "m.room.member",
        sender: "@a:domain",
        state_key: "@a:domain",
        room_id: "!r:domain",
        content: { membership: "join", join_authorised_via_users_server: "@b:other.org" },
      },
      opts("10", { depth: 3 }),
    );
    expect(requiredSignatureServers(e)).to.deep.equal(new Set(["domain", "other.org"]));
  });
});
