import { expect } from "chai";
import {
  decodeHistoryToken,
  decodeSyncToken,
  encodeHistoryToken,
  encodeSyncToken,
  zeroPositions,
} from "../../../components/syncapi/streams/positions.js";
import { pickFields } from "../../../components/syncapi/sync/client-event.js";
import { passesFilter, typeMatches } from "../../../components/syncapi/sync/filter.js";
import { RoomHistoryView } from "../../../components/syncapi/sync/visibility.js";
import type { StoredEvent } from "../../../components/syncapi/storage/events.js";

describe("syncapi logic", () => {
  it("sync tokens round-trip every stream; anything else is refused", () => {
    const p = { ...zeroPositions(), pdu: 12, typing: 3, toDevice: 9, deviceList: 1 };
    expect(decodeSyncToken(encodeSyncToken(p))).to.deep.equal(p);
    for (const bad of ["", "s1_2", "x1_2_3_4_5_6_7_8", "s1_2_3_4_5_6_7_-8"]) expect(decodeSyncToken(bad)).to.equal(null);
    expect(decodeHistoryToken(encodeHistoryToken(41))).to.equal(41);
    expect(decodeHistoryToken(encodeSyncToken(p))).to.equal(12);
  });

  it("type patterns: * matches any run; other characters are literal", () => {
    expect(typeMatches("m.*", "m.room.message")).to.equal(true);
    expect(typeMatches("m.room.*e", "m.room.message")).to.equal(true);
    expect(typeMatches("m.room", "m.room.message")).to.equal(false);
    expect(typeMatches("m.r..m", "m.room")).to.equal(false);
  });

  it("filters: not_ lists win over the allow lists", () => {
    const f = { types: ["m.*"], not_types: ["m.room.member"], senders: ["@a:x"], not_senders: ["@b:x"] };
    expect(passesFilter(f, { type: "m.room.message", sender: "@a:x" })).to.equal(true);
    expect(passesFilter(f, { type: "m.room.member", sender: "@a:x" })).to.equal(false);
    expect(passesFilter({ ...f, senders: ["@a:x", "@b:x"] }, { type: "m.room.message", sender: "@b:x" })).to.equal(false);
  });

  it("event_fields picks dot paths, with \\. escaping a dot in a key", () => {
    const event = { type: "t", content: { body: "b", "m.relates_to": { event_id: "$e" }, other: 1 }, sender: "@a:x" };
    expect(pickFields(event, ["type", "content.body", "content.m\\.relates_to.event_id", "missing.path"])).to.deep.equal({
      type: "t",
      content: { body: "b", "m.relates_to": { event_id: "$e" } },
    });
  });

  it("visibility: joined rooms hide what came before the join; the user's own join is visible", () => {
    const ev = (position: number, type = "m.room.message", stateKey: string | null = null): StoredEvent => ({
      position,
      eventId: `$${position}`,
      roomId: "!r:x",
      type,
      sender: "@a:x",
      stateKey,
      json: { content: { membership: "join" } },
      historyVisibility: "joined",
      txnDeviceId: null,
      txnId: null,
      prevEventId: null,
      redactionEventId: null,
    });
    const view = new RoomHistoryView("@u:x", [{ roomId: "!r:x", membership: "join", position: 5, eventId: "$5" }]);
    expect(view.maySee(ev(4))).to.equal(false);
    expect(view.maySee(ev(5, "m.room.member", "@u:x"))).to.equal(true);
    expect(view.maySee(ev(6))).to.equal(true);
    const shared = new RoomHistoryView("@u:x", [{ roomId: "!r:x", membership: "join", position: 5, eventId: "$5" }]);
    expect(shared.maySee({ ...ev(4), historyVisibility: "shared" })).to.equal(true);
  });
});
