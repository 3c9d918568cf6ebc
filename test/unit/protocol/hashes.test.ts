import { expect } from "chai";
import { encodeBase64 } from "../../../components/protocol/crypto/base64.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import { checkContentHash, contentHash, referenceHash, withContentHash } from "../../../components/protocol/events/hashes.js";
import { hashAndSignEvent, verifyEventSignature } from "../../../components/protocol/events/signatures.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { JKI_CREATE_EVENT, SPEC_KEY } from "./corefixtures.js";

const v1 = roomVersion("1");

describe("protocol/events/hashes and event signing", () => {
  it("signs the spec's minimal event: content hash and signature", () => {
    const event: JsonObject = {
      room_id: "!x:domain",
      sender: "@a:domain",
      origin: "domain",
      origin_server_ts: 1000000,
      signatures: {},
      hashes: {},
      type: "X",
      content: {},
      prev_events: [],
      auth_events: [],
      depth: 3,
      unsigned: { age_ts: 1000000 },
    };
    expect(encodeBase64(contentHash(event))).to.equal("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
    const signed = hashAndSignEvent(event, v1, "domain", "ed25519:1", SPEC_KEY);
    expect(signed).to.deep.equal({
      auth_events: [],
      content: {},
      depth: 3,
      hashes: { sha256: "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos" },
      origin: "domain",
      origin_server_ts: 1000000,
      prev_events: [],
      room_id: "!x:domain",
      sender: "@a:domain",
      signatures: { domain: { "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg" } },
      type: "X",
      unsigned: { age_ts: 1000000 },
    });
    expect(verifyEventSignature(signed, v1, "domain", "ed25519:1", SPEC_KEY.publicKey)).to.equal(true);
  });

  it("signs the spec's event with redactable content (signature covers the redacted form)", () => {
    const event: JsonObject = {
      content: { body: "Here is the message content" },
      event_id: "$0:domain",
      origin: "domain",
      origin_server_ts: 1000000,
      type: "m.room.message",
      room_id: "!r:domain",
      sender: "@u:domain",
      signatures: {},
      unsigned: { age_ts: 1000000 },
    };
    const signed = hashAndSignEvent(event, v1, "domain", "ed25519:1", SPEC_KEY);
    expect(signed.hashes).to.deep.equal({ sha256: "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g" });
    expect(signed.signatures).to.deep.equal({
      domain: { "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA" },
    });
    // Still verifies once redacted (content stripped); fails if essential fields change.
    expect(verifyEventSignature({ ...signed, content: {} }, v1, "domain", "ed25519:1", SPEC_KEY.publicKey)).to.equal(true);
    expect(verifyEventSignature({ ...signed, sender: "@v:domain" }, v1, "domain", "ed25519:1", SPEC_KEY.publicKey)).to.equal(false);
  });

  it("checks content hashes: real event passes, tampered content fails, junk is false not a throw", () => {
    const real = JSON.parse(JKI_CREATE_EVENT) as JsonObject;
    expect(checkContentHash(real)).to.equal(true);
    expect(checkContentHash({ ...real, unsigned: { age: 1 }, signatures: {} })).to.equal(true);
    expect(checkContentHash({ ...real, content: { room_version: "6" } })).to.equal(false);
    expect(checkContentHash({ ...real, hashes: { sha256: "not base64!" } })).to.equal(false);
    expect(checkContentHash({ ...real, hashes: "x" })).to.equal(false);
    expect(checkContentHash(withContentHash({ ...real, content: { a: 1 } }))).to.equal(true);
  });

  it("reference hash ignores signatures, unsigned and redactable content", () => {
    const real = JSON.parse(JKI_CREATE_EVENT) as JsonObject;
    const v4 = roomVersion("4");
    const ref = referenceHash(real, v4);
    expect(referenceHash({ ...real, signatures: {}, unsigned: {} }, v4)).to.deep.equal(ref);
    expect(referenceHash({ ...real, content: { ...(real.content as JsonObject), extra: 1 } }, v4)).to.deep.equal(ref);
    expect(referenceHash({ ...real, depth: 2 }, v4)).to.not.deep.equal(ref);
  });
});
