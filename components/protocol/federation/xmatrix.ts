/**
 * The X-Matrix `Authorization` scheme (spec: server-server API, "Request Authentication").
 *
 * A request is authenticated by signing the JSON object {method, uri, origin, destination,
 * content?} with the origin's key and carrying the signature in
 * `Authorization: X-Matrix origin="…",destination="…",key="ed25519:…",sig="…"`.
 * Every failure is a ProtocolError with code BAD_SIGNATURE (a 401 M_UNAUTHORIZED for the
 * caller) whose message names the problem.
 */
import { ProtocolError } from "../errors.js";
import type { JsonObject, JsonValue } from "../events/event.js";
import type { SigningKey } from "../crypto/keys.js";
import { signBytes, signedBytesOf, verifyBytes, type PublicKey } from "../crypto/signing.js";
import { isValidServerName } from "../ids/grammar.js";

export interface XMatrixRequest {
  /** The HTTP method exactly as sent ("GET", "PUT", ...). */
  readonly method: string;
  /**
   * The request target as it appears on the request line: path starting at `/_matrix/`
   * plus `?query` if any, still percent-encoded. The receiver must use the raw target it
   * received, not a decoded or re-encoded one, or the signature will not match.
   */
  readonly uri: string;
  /** Server names before any delegation (spec: delegation does not affect these). */
  readonly origin: string;
  readonly destination: string;
  /** The parsed JSON body; omit for requests without a body. */
  readonly content?: JsonValue;
}

/** The parameters of an X-Matrix header. */
export interface XMatrixAuth {
  readonly origin: string;
  /** Absent only from servers older than spec v1.3; we always send it. */
  readonly destination: string | undefined;
  /** "ed25519:<version>" */
  readonly keyId: string;
  /** Unpadded base64 signature. */
  readonly signature: string;
}

function fail(message: string): never {
  throw new ProtocolError("BAD_SIGNATURE", `X-Matrix: ${message}`);
}

/** The object whose canonical JSON the origin signs (spec step 1). */
export function requestJsonToSign(req: XMatrixRequest): JsonObject {
  const json: JsonObject = {
    method: req.method,
    uri: req.uri,
    origin: req.origin,
    destination: req.destination,
  };
  if (req.content !== undefined) json.content = req.content;
  return json;
}

/** Signs a request and returns the `Authorization` header value (spec step 2). */
export function signXMatrixRequest(req: XMatrixRequest, key: SigningKey): string {
  const signature = signBytes(signedBytesOf(requestJsonToSign(req)), key);
  return formatXMatrixHeader({ origin: req.origin, destination: req.destination, keyId: key.keyId, signature });
}

/**
 * Formats the header the way the spec asks senders to for older servers: one space after
 * the scheme, lower-case names, every value quoted, no whitespace around commas and no
 * backslashes (so values needing escapes are refused rather than escaped).
 */
export function formatXMatrixHeader(auth: XMatrixAuth): string {
  const params: [string, string | undefined][] = [
    ["origin", auth.origin],
    ["destination", auth.destination],
    ["key", auth.keyId],
    ["sig", auth.signature],
  ];
  const parts: string[] = [];
  for (const [name, value] of params) {
    if (value === undefined) continue;
    if (/["\\\x00-\x1f\x7f]/.test(value)) fail(`${name} value ${JSON.stringify(value)} cannot be sent in a header`);
    parts.push(`${name}="${value}"`);
  }
  return `X-Matrix ${parts.join(",")}`;
}

// RFC 9110 section 5.6.2 tchar; ":" is added for values because the spec asks recipients
// to accept unquoted colons from older servers (e.g. key=ed25519:abc).
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const isTchar = (c: string): boolean => TCHAR.test(c);
const isWs = (c: string | undefined): boolean => c === " " || c === "\t";

/**
 * Parses an `Authorization` header value per RFC 9110 section 11.4 as the spec describes:
 * scheme `X-Matrix` (case-insensitive, as all auth schemes), one or more spaces, then
 * comma-separated name=value pairs with optional spaces/tabs around commas and `=`,
 * case-insensitive names in any order, values as tokens or quoted strings with backslash
 * escapes. Unknown parameters are ignored; a parameter given twice is refused because
 * the two copies could be read differently by different servers.
 */
export function parseXMatrixHeader(header: string): XMatrixAuth {
  // HTTP frameworks hand over string | string[] | undefined; anything but one string is no header.
  if (typeof header !== "string") fail("Authorization header is missing or not a single string");
  const text = header.replace(/^[ \t]+|[ \t]+$/g, "");
  let i = 0;
  while (i < text.length && isTchar(text[i]!)) i++;
  const scheme = text.slice(0, i);
  if (scheme === "") fail("missing authorization scheme");
  if (scheme.toLowerCase() !== "x-matrix") fail(`scheme is ${JSON.stringify(scheme)}, not X-Matrix`);
  if (text[i] !== " ") fail(i < text.length ? `expected a space after X-Matrix, got ${JSON.stringify(text[i])}` : "no parameters");
  while (text[i] === " ") i++;

  const params = new Map<string, string>();
  while (i < text.length) {
    // Empty list elements (",,") are allowed by RFC 9110's #rule.
    while (isWs(text[i]) || text[i] === ",") i++;
    if (i >= text.length) break;

    const nameStart = i;
    while (i < text.length && isTchar(text[i]!)) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name === "") fail(`expected a parameter name at position ${i}, got ${JSON.stringify(text[i])}`);
    while (isWs(text[i])) i++;
    if (text[i] !== "=") fail(`parameter ${JSON.stringify(name)} has no "=value"`);
    i++;
    while (isWs(text[i])) i++;

    let value = "";
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === "\\") {
          i++;
          if (i >= text.length) break;
        }
        const ch = text[i]!;
        if (/[\x00-\x08\x0a-\x1f\x7f]/.test(ch)) fail(`control character in value of ${JSON.stringify(name)}`);
        value += ch;
        i++;
      }
      if (!closed) fail(`unterminated quoted value for parameter ${JSON.stringify(name)}`);
    } else {
      const valueStart = i;
      while (i < text.length && (isTchar(text[i]!) || text[i] === ":")) i++;
      value = text.slice(valueStart, i);
      if (value === "") {
        fail(
          `parameter ${JSON.stringify(name)} has an empty or invalid unquoted value` +
            (i < text.length ? ` at ${JSON.stringify(text[i])}` : ""),
        );
      }
    }

    while (isWs(text[i])) i++;
    if (i < text.length && text[i] !== ",") {
      fail(`unexpected ${JSON.stringify(text[i])} after parameter ${JSON.stringify(name)} (quote values holding such characters)`);
    }
    if (params.has(name)) fail(`parameter ${JSON.stringify(name)} given more than once`);
    params.set(name, value);
  }

  const origin = params.get("origin");
  const keyId = params.get("key");
  const signature = params.get("sig");
  const destination = params.get("destination");
  if (origin === undefined) fail("missing origin parameter");
  if (keyId === undefined) fail("missing key parameter");
  if (signature === undefined) fail("missing sig parameter");
  checkServerName("origin", origin);
  if (destination !== undefined) checkServerName("destination", destination);
  if (!/^[A-Za-z0-9_]+:[A-Za-z0-9_]+$/.test(keyId)) fail(`key ${JSON.stringify(keyId)} is not "<algorithm>:<version>"`);
  if (signature === "") fail("sig is empty");
  return { origin, destination, keyId, signature };
}

function checkServerName(param: string, value: string): void {
  if (!isValidServerName(value)) fail(`${param} ${JSON.stringify(value)} is not a valid server name`);
}

export interface XMatrixVerification {
  /** The header, raw or already parsed (parse first to learn which key to look up). */
  readonly auth: XMatrixAuth | string;
  readonly method: string;
  /** The raw request target as received (see XMatrixRequest.uri). */
  readonly uri: string;
  /** The parsed JSON body, if the request had one. */
  readonly content?: JsonValue;
  /** This server's name: the request must be addressed to it. */
  readonly ourServerName: string;
  /** The origin's current verify key for auth.keyId (old_verify_keys do not sign requests). */
  readonly publicKey: PublicKey;
}

/**
 * Verifies a received request; returns the parsed header so the caller knows the
 * authenticated origin. Throws BAD_SIGNATURE naming the problem.
 */
export function verifyXMatrixRequest(v: XMatrixVerification): XMatrixAuth {
  const auth = typeof v.auth === "string" ? parseXMatrixHeader(v.auth) : v.auth;
  // Spec: a destination that is not ours must be refused with 401.
  if (auth.destination !== undefined && auth.destination !== v.ourServerName) {
    fail(`destination ${JSON.stringify(auth.destination)} is not this server (${v.ourServerName})`);
  }
  if (!auth.keyId.startsWith("ed25519:")) fail(`unsupported key algorithm in ${JSON.stringify(auth.keyId)}`);
  // Servers that predate the destination parameter still signed our name in the JSON.
  const json = requestJsonToSign({
    method: v.method,
    uri: v.uri,
    origin: auth.origin,
    destination: auth.destination ?? v.ourServerName,
    content: v.content,
  });
  let bytes: Uint8Array;
  try {
    bytes = signedBytesOf(json);
  } catch (e) {
    // e.g. nested deeper than canonical JSON allows: nothing can have signed it.
    fail(`request body cannot be canonical JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!verifyBytes(bytes, auth.signature, v.publicKey)) {
    fail(`signature by ${auth.origin} ${auth.keyId} does not verify for ${v.method} ${v.uri}`);
  }
  return auth;
}
