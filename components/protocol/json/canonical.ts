/**
 * Canonical JSON encoding (spec appendix "Canonical JSON"): object keys sorted by Unicode
 * codepoint, no insignificant whitespace, shortest string escapes, UTF-8, integers only.
 *
 * Everything signed or hashed in Matrix goes through `encodeCanonicalJson`, so it is a
 * hand-rolled recursive encoder tuned for the common case (ASCII keys, strings without
 * escapes) rather than a generic serialiser.
 */
import { ProtocolError } from "../errors.js";

/** The largest integer canonical JSON may hold: 2^53 - 1 (and its negation). */
export const MAX_SAFE_JSON_INTEGER = Number.MAX_SAFE_INTEGER;
/** Deeper nesting than this is refused: it is never legitimate and would overflow the stack. */
export const MAX_JSON_DEPTH = 256;

export interface CanonicalJsonOptions {
  /**
   * Room v6+ rules (and every non-event use): integers within +/-(2^53-1) only; floats are
   * refused. Without it, older rooms' out-of-range integers and floats are encoded as found.
   */
  readonly strict?: boolean;
  /** Top-level keys to leave out (e.g. `signatures`, `unsigned`), saving a copy of the object. */
  readonly omit?: readonly string[];
}

// A string needs the slow path only if it has something to escape or a surrogate (which may
// be lone, and which breaks UTF-16 sort order). One regex test decides for the common case.
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const HAS_SURROGATE = /[\ud800-\udfff]/;

/** Canonical JSON text of `value`. Throws ProtocolError("BAD_JSON") naming the offending path. */
export function encodeCanonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const strict = options.strict ?? false;
  const omit = options.omit;
  if (omit && omit.length > 0) {
    if (!isPlainObject(value)) throw badJson("", "top level must be an object to omit keys");
    return encodeObject(value, strict, 0, "", omit);
  }
  return encodeValue(value, strict, 0, "");
}

/** Canonical JSON as UTF-8 bytes: what signatures and hashes are computed over. */
export function canonicalJsonBytes(value: unknown, options: CanonicalJsonOptions = {}): Buffer {
  return Buffer.from(encodeCanonicalJson(value, options), "utf8");
}

function encodeValue(value: unknown, strict: boolean, depth: number, path: string): string {
  switch (typeof value) {
    case "string":
      return encodeString(value, path);
    case "number":
      return encodeNumber(value, strict, path);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      // Only the non-strict parser makes these, to keep old rooms' huge integers exact.
      if (strict && (value > BigInt(MAX_SAFE_JSON_INTEGER) || value < -BigInt(MAX_SAFE_JSON_INTEGER))) {
        throw badJson(path, `integer ${value} out of range`);
      }
      return value.toString();
    case "object":
      if (value === null) return "null";
      if (depth >= MAX_JSON_DEPTH) throw badJson(path, `nested deeper than ${MAX_JSON_DEPTH}`);
      if (Array.isArray(value)) return encodeArray(value, strict, depth + 1, path);
      if (!isPlainObject(value)) throw badJson(path, "is not a plain JSON object");
      return encodeObject(value, strict, depth + 1, path, undefined);
    default:
      throw badJson(path, `${typeof value} is not a JSON value`);
  }
}

function encodeArray(arr: readonly unknown[], strict: boolean, depth: number, path: string): string {
  const n = arr.length;
  if (n === 0) return "[]";
  let out = "[" + encodeValue(arr[0], strict, depth, path + "[0]");
  for (let i = 1; i < n; i++) out += "," + encodeValue(arr[i], strict, depth, `${path}[${i}]`);
  return out + "]";
}

function encodeObject(
  obj: Record<string, unknown>,
  strict: boolean,
  depth: number,
  path: string,
  omit: readonly string[] | undefined,
): string {
  let keys = Object.keys(obj);
  if (keys.length === 0) return "{}";
  if (keys.length > 1) keys.sort();
  let out = "";
  let resorted = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = obj[key];
    // Like JSON.stringify, an undefined property is absent: builders may leave optional fields unset.
    if (value === undefined || (omit !== undefined && omit.includes(key))) continue;
    let encodedKey: string;
    if (NEEDS_CARE.test(key)) {
      // UTF-16 order differs from codepoint order only when a surrogate meets U+E000..U+FFFF;
      // keys with surrogates are rare, so re-sort with the exact comparator only then.
      if (!resorted && keys.length > 1 && HAS_SURROGATE.test(key)) {
        keys = keys.slice().sort(compareCodepoints);
        resorted = true;
        out = "";
        i = -1;
        continue;
      }
      encodedKey = encodeStringSlow(key, path);
    } else {
      encodedKey = '"' + key + '"';
    }
    const child = path === "" ? key : path + "." + key;
    out += (out === "" ? "{" : ",") + encodedKey + ":" + encodeValue(value, strict, depth, child);
  }
  return out === "" ? "{}" : out + "}";
}

function encodeString(s: string, path: string): string {
  return NEEDS_CARE.test(s) ? encodeStringSlow(s, path) : '"' + s + '"';
}

function encodeStringSlow(s: string, path: string): string {
  if (HAS_SURROGATE.test(s)) assertWellFormed(s, path);
  // For well-formed strings JSON.stringify escapes exactly as the canonical grammar requires:
  // `"` `\` and \b \t \n \f \r short forms, other controls as lowercase \u00xx, nothing else.
  return JSON.stringify(s);
}

/** A lone surrogate cannot be encoded as UTF-8; silently replacing it would change the bytes signed. */
function assertWellFormed(s: string, path: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    throw badJson(path, `string holds a lone surrogate U+${c.toString(16).toUpperCase()}`);
  }
}

function encodeNumber(n: number, strict: boolean, path: string): string {
  if (Number.isSafeInteger(n)) return n === 0 ? "0" : String(n); // "0" also for -0
  if (!Number.isFinite(n)) throw badJson(path, `${n} is not representable in JSON`);
  if (strict) {
    throw badJson(path, Number.isInteger(n) ? `integer ${n} out of range` : `float ${n} not allowed`);
  }
  // Old rooms only. Integral values never get an exponent; other floats use the shortest
  // round-trip form (as Python's repr would, which is what older Synapse hashed).
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

/** Orders strings by Unicode codepoint (String.prototype.sort orders by UTF-16 code unit). */
export function compareCodepoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codepointRank(x) - codepointRank(y);
  }
  return a.length - b.length;
}

// At the first differing code unit, a surrogate stands for a codepoint >= U+10000, so it must
// rank above U+E000..U+FFFF; shifting both ranges keeps every other comparison unchanged.
function codepointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function badJson(path: string, problem: string): ProtocolError {
  return new ProtocolError("BAD_JSON", path === "" ? `JSON ${problem}` : `JSON at ${path}: ${problem}`);
}
