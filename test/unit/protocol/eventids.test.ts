import { expect } from "chai";
import { createHash } from "node:crypto";
import { buildEvent } from "../../../components/protocol/events/build.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import {
  computeEventId,
  eventIdFromReferenceHash,
  newV1EventId,
  roomIdFromCreateEventId,
} from "../../../components/protocol/events/ids.js";
import { parseEvent } from "../../../components/protocol/events/parse.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { expectProtocolError, JKI_CREATE_EVENT, JKI_EVENT_ID_V3, JKI_EVENT_ID_V4, SPEC_KEY } from "./corefixtures.js";

// A deliberately simple reference encoder (ASCII keys only) to cross-check against.
function naiveCanonical(v: unknown): string {
  if (Array.isArray(v)) return "[" + v.map(naiveCanonical).join(",") + "]";
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return (
      "{" +
      Object.keys(o)
        .sort()
        .map((k) => JSON.stringify(k) + ":" + naiveCanonical(o[k]))
        .join(",") +
      "}"
    );
  }
  return JSON.stringify(v);
}

describe("protocol/events/ids", () => {
  const jki = JSON.parse(JKI_CREATE_EVENT) as JsonObject;

  it("v1-v2: the event_id field", () => {
    expect(computeEventId({ ...jki, event_id: "$abc:jki.re" }, roomVersion("1"))).to.equal("$abc:jki.re");
    expect(computeEventId({ ...jki, event_id: "$abc:jki.re" }, roomVersion("2"))).to.equal("$abc:jki.re");
    expectProtocolError(() => computeEventId(jki, roomVersion("1")), "BAD_EVENT", /event_id/);
    expectProtocolError(() => computeEventId({ ...jki, event_id: "$abc" }, roomVersion("1")), "BAD_ID");
  });

  it("v3: standard Base64 of the reference hash (real event)", () => {
    expect(computeEventId(jki, roomVersion("3"))).to.equal(JKI_EVENT_ID_V3);
    expect(parseEvent(JKI_CREATE_EVENT, "3").eventId).to.equal(JKI_EVENT_ID_V3);
  });

  it("v4+: URL-safe Base64 of the reference hash (real event)", () => {
    for (const v of ["4", "5"]) expect(computeEventId(jki, roomVersion(v))).to.equal(JKI_EVENT_ID_V4);
    expect(parseEvent(JKI_CREATE_EVENT, "5").eventId).to.equal(JKI_EVENT_ID_V4);
  });

  it("rejects hashed IDs for v1 rooms", () => {
    expectProtocolError(() => eventIdFromReferenceHash(Buffer.alloc(32), roomVersion("1")), "BAD_EVENT");
  });

  it("v12: the room ID is '!' + URL-safe Base64 of the create event's reference hash", () => {
    const create = buildEvent(
      { type: "m.room.create", sender: "@alice:domain", state_key: "", content: { room_version: "12" } },
      {
        roomVersion: "12",
        prevEvents: [],
        authEvents: [],
        origin: "domain",
        keyId: "ed25519:1",
        privateKey: SPEC_KEY,
        originServerTs: 1000,
      },
    );
    expect(create.json.room_id).to.equal(undefined);
    // Independently: redact (create keeps all content in v11+), drop signatures/unsigned, canonical, sha256.
    const { signatures: _s, unsigned: _u, ...rest } = create.json as JsonObject;
    const sorted = naiveCanonical(rest);
    const expectedHash = createHash("sha256").update(sorted).digest("base64url");
    expect(create.eventId).to.equal("$" + expectedHash);
    expect(create.roomId).to.equal("!" + expectedHash);
    expect(create.roomId).to.match(/^![A-Za-z0-9_-]{43}$/);
    expect(roomIdFromCreateEventId(create.eventId)).to.equal(create.roomId);
    // Parsing the create event yields the same room ID.
    expect(parseEvent(create.canonicalJson(), "12").roomId).to.equal(create.roomId);
  });

  it("makes fresh v1 IDs on the origin", () => {
    const id = newV1EventId("example.org");
    expect(id).to.match(/^\$[A-Za-z0-9_-]{16}:example\.org$/);
    expect(newV1EventId("example.org")).to.not.equal(id);
  });
});
