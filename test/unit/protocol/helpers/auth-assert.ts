import { expect } from "chai";
import { checkAuth, type AuthOptions } from "../../../../components/protocol/auth/rules.js";
import { ProtocolError } from "../../../../components/protocol/errors.js";
import type { RoomEvent, StateMap } from "../../../../components/protocol/events/event.js";

export function expectAllowed(event: RoomEvent, state: StateMap, options?: AuthOptions): void {
  try {
    checkAuth(event, state, options);
  } catch (e) {
    expect.fail(`expected ${event.type} ${JSON.stringify(event.content)} to be allowed, got: ${(e as Error).message}`);
  }
}

export function expectDenied(event: RoomEvent, state: StateMap, pattern: RegExp, options?: AuthOptions): void {
  expect(() => checkAuth(event, state, options))
    .to.throw(ProtocolError, pattern)
    .with.property("code", "UNAUTHORISED");
}

/** Malformed input may be rejected, but only ever with a ProtocolError. */
export function expectNoCrash(event: RoomEvent, state: StateMap, options?: AuthOptions): void {
  try {
    checkAuth(event, state, options);
  } catch (e) {
    expect(e, (e as Error).stack).to.be.instanceOf(ProtocolError);
  }
}
