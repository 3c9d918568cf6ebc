import { expect } from "chai";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import { parseEvent } from "../../../components/protocol/events/parse.js";
import { ProtocolError } from "../../../components/protocol/errors.js";
import { expectProtocolError, JKI_CREATE_EVENT, JKI_EVENT_ID_V4 } from "./corefixtures.js";

const HASH = "IX6zuNiJpJPNf70BLleL3HSCpjKeq9Uhu7uUpyDjBmc";

function v10Event(extra: JsonObject = {}): JsonObject {
  return {
    room_id: "!room:example.org",
    sender: "@alice:example.org",
    type: "m.room.message",
    content: { body: "hi" },
    origin_server_ts: 1000,
    depth: 3,
    prev_events: ["$prev"],
    auth_events: ["$a1", "$a2"],
    hashes: { sha256: HASH },
    signatures: { "example.org": { "ed25519:1": "sig" } },
    ...extra,
  };
}

function v1Event(extra: JsonObject = {}): JsonObject {
  return {
    ...v10Event(),
    event_id: "$e1:example.org",
    prev_events: [["$p:example.org", { sha256: HASH }]],
    auth_events: [["$a:example.org", { sha256: HASH }]],
    ...extra,
  };
}

function without(obj: JsonObject, key: string): JsonObject {
  const { [key]: _drop, ...rest } = obj;
  return rest;
}

describe("protocol/events/parse", () => {
  it("parses a v10 event into a RoomEvent", () => {
    const e = parseEvent(JSON.stringify(v10Event({ state_key: "", unsigned: { age: 5 }, event_id: "$bogus" })), "10");
    expect(e.roomId).to.equal("!room:example.org");
    expect(e.sender).to.equal("@alice:example.org");
    expect(e.type).to.equal("m.room.message");
    expect(e.stateKey).to.equal("");
    expect(e.isState()).to.equal(true);
    expect(e.content).to.deep.equal({ body: "hi" });
    expect(e.originServerTs).to.equal(1000);
    expect(e.depth).to.equal(3);
    expect(e.prevEventIds).to.deep.equal(["$prev"]);
    expect(e.authEventIds).to.deep.equal(["$a1", "$a2"]);
    expect(e.eventId).to.match(/^\$[A-Za-z0-9_-]{43}$/);
    expect(e.roomVersion.id).to.equal("10");
    expect(e.json.unsigned).to.equal(undefined); // dropped unless asked for
    expect(e.json.event_id).to.equal(undefined); // derived in v3+, never trusted
    expect(parseEvent(v10Event({ unsigned: { age: 5 } }), "10", { keepUnsigned: true }).json.unsigned).to.deep.equal({ age: 5 });
  });

  it("parses a v1 event with reference pairs", () => {
    const e = parseEvent(v1Event(), "1");
    expect(e.eventId).to.equal("$e1:example.org");
    expect(e.prevEventIds).to.deep.equal(["$p:example.org"]);
    expect(e.authEventIds).to.deep.equal(["$a:example.org"]);
    expect(e.stateKey).to.equal(undefined);
  });

  it("parses real JSON bytes and gets the known ID", () => {
    expect(parseEvent(Buffer.from(JKI_CREATE_EVENT), "5").eventId).to.equal(JKI_EVENT_ID_V4);
  });

  it("reads redacts from the top level before v11 and from content from v11", () => {
    const red = { type: "m.room.redaction", redacts: "$top", content: { redacts: "$inner" } };
    expect(parseEvent(v10Event(red), "10").redacts).to.equal("$top");
    expect(parseEvent(v10Event(red), "11").redacts).to.equal("$inner");
    expect(parseEvent(v10Event({ type: "m.room.redaction" }), "11").redacts).to.equal(undefined);
    expectProtocolError(() => parseEvent(v10Event({ redacts: 5 }), "10"), "BAD_EVENT", /redacts/);
    expectProtocolError(
      () => parseEvent(v10Event({ type: "m.room.redaction", content: { redacts: 5 } }), "11"),
      "BAD_EVENT",
      /content\.redacts/,
    );
  });

  describe("missing fields name the field", () => {
    for (const field of [
      "room_id",
      "sender",
      "type",
      "content",
      "origin_server_ts",
      "depth",
      "prev_events",
      "auth_events",
      "hashes",
      "signatures",
    ]) {
      it(field, () =>
        expectProtocolError(() => parseEvent(without(v10Event(), field), "10"), "BAD_EVENT", new RegExp(`^${field} is missing`)),
      );
    }
    it("event_id in v1", () =>
      expectProtocolError(() => parseEvent(without(v1Event(), "event_id"), "1"), "BAD_EVENT", /event_id is missing/));
  });

  describe("mistyped fields name the field", () => {
    const cases: [string, JsonObject, RegExp][] = [
      ["room_id number", { room_id: 5 }, /^room_id is an integer instead of a string/],
      ["sender null", { sender: null }, /^sender is null/],
      ["type object", { type: {} }, /^type is a object/],
      ["state_key number", { state_key: 1 }, /^state_key/],
      ["content array", { content: [] }, /^content is an array/],
      ["content string", { content: "x" }, /^content/],
      ["origin_server_ts string", { origin_server_ts: "1" }, /^origin_server_ts/],
      ["depth negative", { depth: -1 }, /depth must not be negative/],
      ["prev_events object", { prev_events: {} }, /^prev_events/],
      ["prev_events entry not a string", { prev_events: [5] }, /^prev_events\[0\]/],
      ["auth_events entry without sigil", { auth_events: ["$a", "abc"] }, /^auth_events\[1\]/],
      ["hashes string", { hashes: "x" }, /^hashes/],
      ["hashes.sha256 missing", { hashes: {} }, /^hashes\.sha256/],
      ["signatures array", { signatures: [] }, /^signatures/],
      ["signatures entry string", { signatures: { x: "y" } }, /^signatures\.x/],
      ["signature number", { signatures: { x: { "ed25519:1": 1 } } }, /^signatures\.x\.ed25519:1/],
      ["unsigned string", { unsigned: "x" }, /^unsigned/],
    ];
    for (const [name, extra, pattern] of cases) {
      it(name, () => expectProtocolError(() => parseEvent(v10Event(extra), "10", { keepUnsigned: true }), "BAD_EVENT", pattern));
    }
    it("depth float: BAD_EVENT in v1-v5, BAD_JSON (canonical rules) from v6, both naming depth", () => {
      expectProtocolError(() => parseEvent(v10Event({ depth: 1.5 }), "5"), "BAD_EVENT", /^depth is a float/);
      expectProtocolError(() => parseEvent(v10Event({ depth: 1.5 }), "6"), "BAD_JSON", /depth: float/);
    });
    it("v1 prev_events must be pairs", () => {
      expectProtocolError(() => parseEvent(v1Event({ prev_events: ["$p:example.org"] }), "1"), "BAD_EVENT", /^prev_events\[0\]/);
      expectProtocolError(() => parseEvent(v1Event({ auth_events: [["$a:x", "hash"]] }), "1"), "BAD_EVENT", /^auth_events\[0\]\[1\]/);
    });
    it("v3+ prev_events must be strings", () => {
      expectProtocolError(() => parseEvent(v10Event({ prev_events: [["$p:x", { sha256: HASH }]] }), "3"), "BAD_EVENT", /^prev_events\[0\]/);
    });
    it("too many references", () => {
      expectProtocolError(
        () => parseEvent(v10Event({ prev_events: Array.from({ length: 21 }, (_, i) => `$p${i}`) }), "10"),
        "BAD_EVENT",
        /prev_events has 21/,
      );
      expectProtocolError(
        () => parseEvent(v10Event({ auth_events: Array.from({ length: 11 }, (_, i) => `$a${i}`) }), "10"),
        "BAD_EVENT",
        /auth_events has 11/,
      );
    });
  });

  describe("bad IDs", () => {
    it("sender", () => expectProtocolError(() => parseEvent(v10Event({ sender: "alice" }), "10"), "BAD_ID", /^sender:/));
    it("sender with a bad server", () =>
      expectProtocolError(() => parseEvent(v10Event({ sender: "@alice:bad_host" }), "10"), "BAD_ID", /^sender:/));
    it("historical sender localparts are accepted", () =>
      expect(parseEvent(v10Event({ sender: "@Alice Smith:example.org" }), "10").sender).to.equal("@Alice Smith:example.org"));
    it("room_id", () => expectProtocolError(() => parseEvent(v10Event({ room_id: "#a:b" }), "10"), "BAD_ID", /^room_id:/));
    it("v12 room_id must be hashed", () => expectProtocolError(() => parseEvent(v10Event(), "12"), "BAD_ID", /^room_id:/));
    it("v12 create must not have room_id", () =>
      expectProtocolError(
        () => parseEvent(v10Event({ type: "m.room.create", state_key: "", room_id: "!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ" }), "12"),
        "BAD_EVENT",
        /room_id must be absent/,
      ));
    it("v1 event_id", () => expectProtocolError(() => parseEvent(v1Event({ event_id: "$nodomain" }), "1"), "BAD_ID", /^event_id:/));
  });

  describe("size limits", () => {
    it("over 65,536 bytes of canonical JSON is TOO_LARGE", () => {
      const base = JSON.stringify(v10Event({ content: { body: "" } })).length;
      const fits = parseEvent(v10Event({ content: { body: "x".repeat(65536 - base - 200) } }), "10");
      expect(fits.type).to.equal("m.room.message");
      expectProtocolError(() => parseEvent(v10Event({ content: { body: "x".repeat(65536) } }), "10"), "TOO_LARGE", /65536-byte/);
      // Counted in UTF-8 bytes, not characters.
      expectProtocolError(() => parseEvent(v10Event({ content: { body: "é".repeat(33000) } }), "10"), "TOO_LARGE");
    });
    for (const field of ["type", "state_key", "room_id", "sender"]) {
      it(`${field} over 255 bytes is TOO_LARGE`, () => {
        const long =
          field === "room_id"
            ? "!" + "a".repeat(250) + ":example.org"
            : field === "sender"
              ? "@" + "a".repeat(250) + ":example.org"
              : "a".repeat(256);
        expectProtocolError(() => parseEvent(v10Event({ [field]: long }), "10"), "TOO_LARGE", new RegExp(`^${field} is longer`));
      });
    }
  });

  describe("canonical JSON rules per room version", () => {
    it("v6+ rejects floats and out-of-range integers; v1-v5 accept them", () => {
      const float = JSON.stringify(v10Event({ content: { n: 1.5 } }));
      expectProtocolError(() => parseEvent(float, "6"), "BAD_JSON", /content\.n.*float/);
      expectProtocolError(() => parseEvent(JSON.parse(float) as JsonObject, "6"), "BAD_JSON", /content\.n/);
      expect(parseEvent(float, "5").content).to.deep.equal({ n: 1.5 });
      const huge = JSON.stringify(v10Event()).replace('"depth":3', '"depth":9223372036854775807');
      expectProtocolError(() => parseEvent(huge, "6"), "BAD_JSON", /depth.*out of range/);
      const old = parseEvent(huge, "5");
      expect(old.depth).to.equal(2 ** 63); // 2^63 - 1 as a JS number rounds to 2^63
      expect(old.canonicalJson()).to.contain('"depth":9223372036854775807'); // bytes kept exact
    });
    it("duplicate keys are rejected in v6+", () => {
      const dup = JSON.stringify(v10Event()).replace('"depth":3', '"depth":3,"depth":4');
      expectProtocolError(() => parseEvent(dup, "6"), "BAD_JSON", /duplicate/);
    });
    it("not JSON, or not an object", () => {
      expectProtocolError(() => parseEvent("{nope", "10"), "NOT_JSON");
      expectProtocolError(() => parseEvent("[]", "10"), "NOT_JSON");
      expectProtocolError(() => parseEvent([] as unknown as JsonObject, "10"), "BAD_EVENT");
      expectProtocolError(() => parseEvent(v10Event(), "99"), "UNKNOWN_ROOM_VERSION");
    });
  });

  it("never throws anything but ProtocolError on mangled events", () => {
    const base = v10Event({ state_key: "", unsigned: {} });
    const junk: unknown[] = [null, 0, -1, 1.5, "", "x", [], {}, [null], { sha256: 1 }, true];
    let checked = 0;
    for (const key of Object.keys(base)) {
      for (const value of junk) {
        for (const version of ["1", "5", "10", "11", "12"]) {
          try {
            parseEvent({ ...base, [key]: value } as JsonObject, version, { keepUnsigned: true });
          } catch (e) {
            expect(e, `${key}=${JSON.stringify(value)} v${version}: ${String(e)}`).to.be.instanceOf(ProtocolError);
          }
          checked++;
        }
      }
    }
    expect(checked).to.be.greaterThan(500);
  });
});
