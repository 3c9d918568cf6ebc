// Shared test vectors for the protocol tests.
import { decodeBase64 } from "../../../components/protocol/crypto/base64.js";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import { ProtocolError } from "../../../components/protocol/errors.js";
import { expect } from "chai";

/** The spec appendix's signing key: seed, server "domain", key "ed25519:1". */
export const SPEC_KEY = signingKeyFromSeed(decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"), "1");

/**
 * A real room v5 create event from jki.re (Synapse), with its known event IDs in v3 and v4
 * format (also used by gomatrixserverlib's tests).
 */
export const JKI_CREATE_EVENT =
  '{"auth_events": [], "prev_events": [], "type": "m.room.create", "room_id": "!uXDCzlYgCTHtiWCkEx:jki.re", "sender": "@erikj:jki.re", "content": {"room_version": "5", "predecessor": {"room_id": "!gdRMqOrTFdOCYHNwOo:half-shot.uk", "event_id": "$LP7ROBc4b+cMc1UE9haIz8q5AK2AIW4eJ90FfKLvyZI"}, "creator": "@erikj:jki.re"}, "depth": 1, "prev_state": [], "state_key": "", "origin": "jki.re", "origin_server_ts": 1560284621137, "hashes": {"sha256": "IX6zuNiJpJPNf70BLleL3HSCpjKeq9Uhu7uUpyDjBmc"}, "signatures": {"jki.re": {"ed25519:auto": "O4IyFfF2PPtGp5uaDm8t57dZbdh8vc8Q64LgCwvzYRVItAMI0uisfiAFaxkVT7MRpzh6N2QNN5NMRXZKmgPYDA"}}, "unsigned": {"age": 1321650}}';
export const JKI_EVENT_ID_V3 = "$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438";
export const JKI_EVENT_ID_V4 = "$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438";

export function expectProtocolError(fn: () => unknown, code: string, pattern?: RegExp): ProtocolError {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(ProtocolError);
    const pe = e as ProtocolError;
    expect(pe.code, pe.message).to.equal(code);
    if (pattern) expect(pe.message).to.match(pattern);
    return pe;
  }
  return expect.fail(`expected a ProtocolError ${code}`);
}
