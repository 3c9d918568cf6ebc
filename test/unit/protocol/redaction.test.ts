import { expect } from "chai";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import { redactEventJson } from "../../../components/protocol/events/redaction.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";

const ALL_VERSIONS = Array.from({ length: 12 }, (_, i) => String(i + 1));

function event(type: string, content: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    event_id: "$e:x",
    type,
    room_id: "!r:x",
    sender: "@s:x",
    state_key: "",
    content,
    hashes: { sha256: "h" },
    signatures: { x: { "ed25519:1": "s" } },
    depth: 5,
    prev_events: [],
    auth_events: [],
    origin_server_ts: 1,
    origin: "x",
    membership: "join",
    prev_state: [],
    unsigned: { age: 1 },
    redacts: "$r:x",
    age_ts: 3,
    other: 4,
    ...extra,
  };
}

const content = (v: string, type: string, c: JsonObject) => redactEventJson(event(type, c), roomVersion(v)).content;

describe("protocol/events/redaction", () => {
  it("keeps the essential top-level keys in every version and drops the rest", () => {
    for (const v of ALL_VERSIONS) {
      const r = redactEventJson(event("m.room.message", { body: "x" }), roomVersion(v));
      const always = [
        "event_id",
        "type",
        "room_id",
        "sender",
        "state_key",
        "content",
        "hashes",
        "signatures",
        "depth",
        "prev_events",
        "auth_events",
        "origin_server_ts",
      ];
      const beforeV11 = ["origin", "membership", "prev_state"];
      const expected = Number(v) >= 11 ? always : [...always, ...beforeV11];
      expect(Object.keys(r).sort(), `room v${v}`).to.deep.equal(expected.sort());
      expect(r.content, `room v${v}`).to.deep.equal({});
    }
  });

  // [type, content, versions -> expected content]
  const table: [string, JsonObject, Record<string, JsonObject>][] = [
    [
      "m.room.member",
      { membership: "join", displayname: "d", join_authorised_via_users_server: "@a:x" },
      { "1-8": { membership: "join" }, "9-12": { membership: "join", join_authorised_via_users_server: "@a:x" } },
    ],
    [
      "m.room.member",
      { membership: "invite", third_party_invite: { signed: { mxid: "@a:x" }, display_name: "n" } },
      { "1-10": { membership: "invite" }, "11-12": { membership: "invite", third_party_invite: { signed: { mxid: "@a:x" } } } },
    ],
    ["m.room.member", { membership: "invite", third_party_invite: "junk" }, { "1-12": { membership: "invite" } }],
    [
      "m.room.create",
      { creator: "@a:x", room_version: "1", "m.federate": false },
      { "1-10": { creator: "@a:x" }, "11-12": { creator: "@a:x", room_version: "1", "m.federate": false } },
    ],
    [
      "m.room.join_rules",
      { join_rule: "restricted", allow: [{ type: "m.room_membership" }], x: 1 },
      { "1-7": { join_rule: "restricted" }, "8-12": { join_rule: "restricted", allow: [{ type: "m.room_membership" }] } },
    ],
    [
      "m.room.power_levels",
      {
        ban: 1,
        events: {},
        events_default: 2,
        kick: 3,
        redact: 4,
        state_default: 5,
        users: {},
        users_default: 6,
        invite: 7,
        notifications: {},
        x: 1,
      },
      {
        "1-10": { ban: 1, events: {}, events_default: 2, kick: 3, redact: 4, state_default: 5, users: {}, users_default: 6 },
        "11-12": { ban: 1, events: {}, events_default: 2, kick: 3, redact: 4, state_default: 5, users: {}, users_default: 6, invite: 7 },
      },
    ],
    ["m.room.aliases", { aliases: ["#a:x"] }, { "1-5": { aliases: ["#a:x"] }, "6-12": {} }],
    ["m.room.history_visibility", { history_visibility: "shared", x: 1 }, { "1-12": { history_visibility: "shared" } }],
    ["m.room.redaction", { redacts: "$x:y", reason: "r" }, { "1-10": {}, "11-12": { redacts: "$x:y" } }],
    ["m.room.topic", { topic: "t" }, { "1-12": {} }],
  ];

  for (const [type, input, byRange] of table) {
    for (const [range, expected] of Object.entries(byRange)) {
      const [lo, hi] = range.split("-").map(Number) as [number, number];
      it(`${type} ${JSON.stringify(input).slice(0, 40)} in v${range}`, () => {
        for (let n = lo; n <= hi; n++) expect(content(String(n), type, input), `room v${n}`).to.deep.equal(expected);
      });
    }
  }

  it("does not modify its input and copes with missing or non-object content", () => {
    const e = event("m.room.member", { membership: "join", x: 1 });
    const before = JSON.stringify(e);
    redactEventJson(e, roomVersion("10"));
    expect(JSON.stringify(e)).to.equal(before);
    expect(redactEventJson({ type: "m.room.member" }, roomVersion("10"))).to.deep.equal({ type: "m.room.member", content: {} });
    expect(redactEventJson({ type: "m.room.member", content: [1] as never }, roomVersion("10")).content).to.deep.equal({});
  });
});
