/**
 * A JSON parser that enforces what the canonical-JSON rules forbid, which JSON.parse cannot:
 * in strict mode (room v6+ and every non-event use) it refuses duplicate keys, floats and
 * integers outside +/-(2^53-1); in lenient mode (room v1-v5) it keeps huge integers exact as
 * bigint so an old event re-encodes to the bytes its signatures cover.
 * Syntax errors are ProtocolError("NOT_JSON"); rule violations are ("BAD_JSON") with a path.
 */
import { ProtocolError } from "../errors.js";
import type { JsonObject, JsonValue } from "../events/event.js";
import { MAX_JSON_DEPTH } from "./canonical.js";
import { isWellFormed } from "./limits.js";

export interface ParseJsonOptions {
  readonly strict: boolean;
  /** Refuse a top level that is not an object (every Matrix request body and event). */
  readonly requireObject?: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function parseCanonicalJson(input: string | Uint8Array, options: ParseJsonOptions & { requireObject: true }): JsonObject;
export function parseCanonicalJson(input: string | Uint8Array, options: ParseJsonOptions): JsonValue;
export function parseCanonicalJson(input: string | Uint8Array, options: ParseJsonOptions): JsonValue {
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      throw new ProtocolError("NOT_JSON", "JSON is not valid UTF-8");
    }
  }
  const parser = new Parser(text, options.strict);
  parser.skipWhitespace();
  if (options.requireObject && text.charCodeAt(parser.pos) !== 0x7b /* { */) {
    throw new ProtocolError("NOT_JSON", "JSON top level must be an object");
  }
  const value = parser.parseValue(0, "");
  parser.skipWhitespace();
  if (parser.pos !== text.length) parser.syntax("unexpected data after the JSON value");
  return value;
}

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly strict: boolean,
  ) {}

  skipWhitespace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  parseValue(depth: number, path: string): JsonValue {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return this.parseString(path);
    if (c === 0x7b) return this.parseObject(depth + 1, path);
    if (c === 0x5b) return this.parseArray(depth + 1, path);
    // A bigint (lenient mode only) is outside the JsonValue type on purpose: it is rare, and
    // the canonical encoder writes it back exactly.
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber(path) as JsonValue;
    if (this.text.startsWith("true", this.pos)) return this.literal(4, true);
    if (this.text.startsWith("false", this.pos)) return this.literal(5, false);
    if (this.text.startsWith("null", this.pos)) return this.literal(4, null);
    if (Number.isNaN(c)) this.syntax("unexpected end of input");
    // NaN, Infinity and friends land here too: they are not JSON.
    return this.syntax(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private parseObject(depth: number, path: string): JsonObject {
    if (depth > MAX_JSON_DEPTH) this.bad(path, `nested deeper than ${MAX_JSON_DEPTH}`);
    this.pos++; // {
    const obj: JsonObject = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return obj;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.syntax("expected a string key");
      const key = this.parseString(path);
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.syntax("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const child = path === "" ? key : path + "." + key;
      const value = this.parseValue(depth, child);
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        // Parsers disagree on which duplicate wins, so two servers could hash different
        // events from the same bytes; lenient mode keeps the last, as older servers did.
        if (this.strict) this.bad(child, "duplicate key");
      }
      if (key === "__proto__") {
        // Plain assignment would replace the prototype instead of adding a property.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        obj[key] = value;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x2c) {
        this.skipWhitespace();
        continue;
      }
      if (c === 0x7d) return obj;
      this.pos--;
      this.syntax("expected ',' or '}'");
    }
  }

  private parseArray(depth: number, path: string): JsonValue[] {
    if (depth > MAX_JSON_DEPTH) this.bad(path, `nested deeper than ${MAX_JSON_DEPTH}`);
    this.pos++; // [
    const arr: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.parseValue(depth, `${path}[${arr.length}]`));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x2c) {
        this.skipWhitespace();
        continue;
      }
      if (c === 0x5d) return arr;
      this.pos--;
      this.syntax("expected ',' or ']'");
    }
  }

  private parseString(path: string): string {
    const t = this.text;
    const start = ++this.pos;
    let p = start;
    // Fast path: no escapes, so the value is a slice of the input.
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        const s = t.slice(start, p);
        return s;
      }
      if (c === 0x5c || c < 0x20 || Number.isNaN(c)) break;
      p++;
    }
    let out = t.slice(start, p);
    for (;;) {
      const c = t.charCodeAt(p);
      if (Number.isNaN(c)) {
        this.pos = p;
        this.syntax("unterminated string");
      }
      if (c === 0x22) break;
      if (c < 0x20) {
        this.pos = p;
        this.syntax("control character in string");
      }
      if (c !== 0x5c) {
        out += t[p];
        p++;
        continue;
      }
      const e = t.charCodeAt(p + 1);
      p += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x75: {
          const hex = t.slice(p, p + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = p;
            this.syntax("bad \\u escape");
          }
          out += String.fromCharCode(parseInt(hex, 16));
          p += 4;
          break;
        }
        default:
          this.pos = p - 1;
          this.syntax("bad escape");
      }
    }
    this.pos = p + 1;
    // Escapes can spell a lone surrogate, which has no UTF-8 form and so no canonical form.
    if (/[\ud800-\udfff]/.test(out) && !isWellFormed(out)) this.bad(path, "string holds a lone surrogate");
    return out;
  }

  private parseNumber(path: string): number | bigint {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === 0x2d) p++;
    const intStart = p;
    while (isDigit(t.charCodeAt(p))) p++;
    if (p === intStart) {
      this.pos = p;
      this.syntax("expected a digit");
    }
    if (t.charCodeAt(intStart) === 0x30 && p - intStart > 1) {
      this.pos = intStart;
      this.syntax("leading zero in number");
    }
    let integral = true;
    if (t.charCodeAt(p) === 0x2e) {
      integral = false;
      p++;
      const fracStart = p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === fracStart) {
        this.pos = p;
        this.syntax("expected a digit after '.'");
      }
    }
    const e = t.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      integral = false;
      p++;
      const sign = t.charCodeAt(p);
      if (sign === 0x2b || sign === 0x2d) p++;
      const expStart = p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === expStart) {
        this.pos = p;
        this.syntax("expected a digit in exponent");
      }
    }
    this.pos = p;
    const literal = t.slice(start, p);
    const n = Number(literal);
    if (Number.isSafeInteger(n)) {
      // An integral value written as 1e10 or 1.0 is still an integer (spec example); -0 is 0.
      return n === 0 ? 0 : n;
    }
    if (this.strict) {
      return this.bad(
        path,
        Number.isInteger(n) || !Number.isFinite(n) ? `integer ${literal} out of range` : `float ${literal} not allowed`,
      );
    }
    if (integral) return BigInt(literal);
    if (!Number.isFinite(n)) return this.bad(path, `number ${literal} out of range`);
    return n;
  }

  syntax(problem: string): never {
    throw new ProtocolError("NOT_JSON", `invalid JSON at offset ${this.pos}: ${problem}`);
  }

  private bad(path: string, problem: string): never {
    throw new ProtocolError("BAD_JSON", path === "" ? `JSON ${problem}` : `JSON at ${path}: ${problem}`);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
