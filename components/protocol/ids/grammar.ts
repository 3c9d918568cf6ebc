/**
 * Identifier grammar (spec appendix "Identifier Grammar"): server names, user IDs, room IDs,
 * room aliases and event IDs. Parsers throw ProtocolError("BAD_ID") naming the problem; the
 * `isValid*` forms return booleans for hot paths that only need a yes/no.
 */
import { ProtocolError } from "../errors.js";

/** IDs including sigil and domain must not exceed this many UTF-8 bytes. */
export const MAX_ID_BYTES = 255;

export interface ServerName {
  /** The host as written: a DNS name, a dotted IPv4 literal, or "[ipv6]" with brackets. */
  readonly host: string;
  readonly kind: "dns" | "ipv4" | "ipv6";
  readonly port: number | undefined;
}

const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const PORT = /^\d{1,5}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Parses `hostname [":" port]`. Throws ProtocolError("BAD_ID"). */
export function parseServerName(name: string): ServerName {
  const problem = serverNameProblem(name);
  if (typeof problem === "string") throw new ProtocolError("BAD_ID", `invalid server name ${quote(name)}: ${problem}`);
  return problem;
}

export function isValidServerName(name: string): boolean {
  return typeof serverNameProblem(name) !== "string";
}

/** The parsed server name, or a string saying what is wrong with it. */
function serverNameProblem(name: string): ServerName | string {
  if (typeof name !== "string" || name.length === 0) return "empty";
  let host: string;
  let portText: string | undefined;
  if (name.startsWith("[")) {
    const close = name.indexOf("]");
    if (close < 0) return "unterminated IPv6 literal";
    host = name.slice(0, close + 1);
    const rest = name.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return "unexpected characters after IPv6 literal";
      portText = rest.slice(1);
    }
    if (!isIPv6(host.slice(1, -1))) return "invalid IPv6 literal";
  } else {
    const colon = name.lastIndexOf(":");
    if (colon >= 0) {
      host = name.slice(0, colon);
      portText = name.slice(colon + 1);
    } else {
      host = name;
    }
    if (!DNS_NAME.test(host)) return "hostname must be 1-255 of A-Z a-z 0-9 - .";
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!PORT.test(portText)) return "port must be 1-5 digits";
    port = Number(portText);
    if (port < 1 || port > 65535) return "port must be 1-65535";
  }
  if (host.startsWith("[")) return { host, kind: "ipv6", port };
  const quad = DOTTED_QUAD.exec(host);
  if (quad) {
    // Anything shaped like a dotted quad is an IPv4 literal, so its parts must be bytes.
    if (quad.slice(1).some((p) => Number(p) > 255)) return "IPv4 literal parts must be 0-255";
    return { host, kind: "ipv4", port };
  }
  return { host, kind: "dns", port };
}

/** RFC 3513 section 2.2 text forms: 8 hex groups, "::" compression once, optional trailing IPv4. */
export function isIPv6(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | undefined => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (HEX_GROUP.test(g)) {
      count += 1;
    } else if (i === all.length - 1 && isIPv4(g)) {
      count += 2; // an embedded IPv4 address fills the last 32 bits
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

function isIPv4(text: string): boolean {
  const m = DOTTED_QUAD.exec(text);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

// ---- sigil IDs -------------------------------------------------------------------------

export interface SplitId {
  readonly localpart: string;
  readonly serverName: string;
}

export interface UserIdOptions {
  /**
   * Accept the historical grammar that events in existing rooms still carry: any localpart
   * (even empty) of non-surrogate codepoints except ":" and NUL. Without it, the current
   * grammar: 1+ of a-z 0-9 . _ = - / +.
   */
  readonly historical?: boolean;
}

const STRICT_LOCALPART = /^[a-z0-9._=\-/+]+$/;
// Any codepoint but ":" and NUL: a surrogate only as half of a valid pair.
const HISTORICAL_LOCALPART = /^(?:[^:\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const ROOM_LOCALPART = /^(?:[^:\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])+$/;

/** Parses "@localpart:server". Throws ProtocolError("BAD_ID"). */
export function parseUserId(id: string, options: UserIdOptions = {}): SplitId {
  const split = splitSigilId(id, "@", "user ID");
  const ok = options.historical ? HISTORICAL_LOCALPART.test(split.localpart) : STRICT_LOCALPART.test(split.localpart);
  if (!ok) {
    throw new ProtocolError(
      "BAD_ID",
      options.historical
        ? `invalid user ID ${quote(id)}: localpart holds NUL or an invalid codepoint`
        : `invalid user ID ${quote(id)}: localpart must be 1+ of a-z 0-9 . _ = - / +`,
    );
  }
  return split;
}

export function isValidUserId(id: string, options: UserIdOptions = {}): boolean {
  return succeeds(() => parseUserId(id, options));
}

/**
 * Parses a user ID as the server `localServerName` sees it: the historical grammar for other
 * servers' users, whose IDs may predate the current one, and the current grammar for its own,
 * which were all made under it (a local ID outside it names nobody, and would only let an
 * invite or a ban write an event about a user who cannot exist). Throws ProtocolError("BAD_ID").
 */
export function parseUserIdAt(id: string, localServerName: string): SplitId {
  const split = parseUserId(id, { historical: true });
  return split.serverName === localServerName ? parseUserId(id) : split;
}

export function isValidUserIdAt(id: string, localServerName: string): boolean {
  return succeeds(() => parseUserIdAt(id, localServerName));
}

export interface RoomIdOptions {
  /**
   * Room v12+: the ID is "!" + URL-safe Base64 of the create event's reference hash, with no
   * server part. Without it, "!opaque:server".
   */
  readonly hashed?: boolean;
}

const HASHED_ID = /^[A-Za-z0-9_-]{43}$/;

/** Parses a room ID; `serverName` is undefined for v12+ hashed room IDs. */
export function parseRoomId(id: string, options: RoomIdOptions = {}): { opaque: string; serverName: string | undefined } {
  if (options.hashed) {
    checkSigilAndLength(id, "!", "room ID");
    const opaque = id.slice(1);
    if (!HASHED_ID.test(opaque))
      throw new ProtocolError("BAD_ID", `invalid room ID ${quote(id)}: expected "!" and 43 URL-safe Base64 characters`);
    return { opaque, serverName: undefined };
  }
  const split = splitSigilId(id, "!", "room ID");
  if (!ROOM_LOCALPART.test(split.localpart)) throw new ProtocolError("BAD_ID", `invalid room ID ${quote(id)}: bad localpart`);
  return { opaque: split.localpart, serverName: split.serverName };
}

export function isValidRoomId(id: string, options: RoomIdOptions = {}): boolean {
  return succeeds(() => parseRoomId(id, options));
}

/** Parses "#alias:server". */
export function parseRoomAlias(alias: string): SplitId {
  const split = splitSigilId(alias, "#", "room alias");
  if (!ROOM_LOCALPART.test(split.localpart)) throw new ProtocolError("BAD_ID", `invalid room alias ${quote(alias)}: bad localpart`);
  return split;
}

export function isValidRoomAlias(alias: string): boolean {
  return succeeds(() => parseRoomAlias(alias));
}

/**
 * Checks an event ID in the given room version format: "v1" `$opaque:server`, "v3" `$` + 43
 * standard Base64 characters, "v4" `$` + 43 URL-safe Base64 characters. With no format, any
 * `$`-prefixed ID of at most 255 bytes.
 */
export function parseEventId(id: string, format?: "v1" | "v3" | "v4"): { opaque: string; serverName: string | undefined } {
  checkSigilAndLength(id, "$", "event ID");
  if (format === "v1") {
    const split = splitSigilId(id, "$", "event ID");
    return { opaque: split.localpart, serverName: split.serverName };
  }
  const opaque = id.slice(1);
  if (format === "v3" && !/^[A-Za-z0-9+/]{43}$/.test(opaque)) {
    throw new ProtocolError("BAD_ID", `invalid event ID ${quote(id)}: expected "$" and 43 Base64 characters`);
  }
  if (format === "v4" && !HASHED_ID.test(opaque)) {
    throw new ProtocolError("BAD_ID", `invalid event ID ${quote(id)}: expected "$" and 43 URL-safe Base64 characters`);
  }
  if (opaque === "") throw new ProtocolError("BAD_ID", `invalid event ID ${quote(id)}: empty`);
  return { opaque, serverName: undefined };
}

export function isValidEventId(id: string, format?: "v1" | "v3" | "v4"): boolean {
  return succeeds(() => parseEventId(id, format));
}

/**
 * The server name of a "&localpart:server" ID (text after the first ":"), or undefined if
 * the ID has no server part (v3+ event IDs, v12 room IDs). Does not validate.
 */
export function serverNameOf(id: string): string | undefined {
  const i = id.indexOf(":");
  return i < 0 ? undefined : id.slice(i + 1);
}

/** UTF-8 length of a string: the unit every Matrix ID limit is stated in. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function checkSigilAndLength(id: string, sigil: string, kind: string): void {
  if (typeof id !== "string") throw new ProtocolError("BAD_ID", `${kind} must be a string`);
  if (!id.startsWith(sigil)) throw new ProtocolError("BAD_ID", `invalid ${kind} ${quote(id)}: must start with "${sigil}"`);
  // Cheap check first: UTF-8 is at least one byte per UTF-16 unit.
  if (id.length > MAX_ID_BYTES || utf8Length(id) > MAX_ID_BYTES) {
    throw new ProtocolError("BAD_ID", `invalid ${kind} ${quote(id)}: longer than ${MAX_ID_BYTES} bytes`);
  }
}

/** Splits "&localpart:server" at the first ":" (server names may hold ":" for ports and IPv6). */
function splitSigilId(id: string, sigil: string, kind: string): SplitId {
  checkSigilAndLength(id, sigil, kind);
  const colon = id.indexOf(":");
  if (colon < 0) throw new ProtocolError("BAD_ID", `invalid ${kind} ${quote(id)}: missing ":server"`);
  const serverName = id.slice(colon + 1);
  const problem = serverNameProblem(serverName);
  if (typeof problem === "string") throw new ProtocolError("BAD_ID", `invalid ${kind} ${quote(id)}: server name ${problem}`);
  return { localpart: id.slice(1, colon), serverName };
}

function succeeds(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof ProtocolError) return false;
    throw e;
  }
}

function quote(s: unknown): string {
  const text = typeof s === "string" ? s : String(s);
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + "..." : text);
}
