/**
 * Every failure the protocol library reports is a ProtocolError whose `code` says what
 * kind of problem it is and whose message names the offending field or value, so callers
 * can map it onto a Matrix error (M_BAD_JSON, M_FORBIDDEN, ...) without parsing text.
 */
export type ProtocolErrorCode =
  | "NOT_JSON" // input is not parseable JSON
  | "BAD_JSON" // JSON that breaks the spec's canonical-JSON rules or a field's type
  | "BAD_EVENT" // an event missing or mistyping a required field
  | "TOO_LARGE" // an event over the 65,536-byte limit
  | "BAD_ID" // a user, room, event, alias ID or server name that does not parse
  | "BAD_SIGNATURE" // a signature or hash that does not verify
  | "UNKNOWN_ROOM_VERSION"
  | "UNAUTHORISED" // auth rules reject the event
  | "BAD_KEY" // a server key object that is malformed or expired
  | "DISCOVERY"; // server discovery found that the server offers no federation endpoint

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}
