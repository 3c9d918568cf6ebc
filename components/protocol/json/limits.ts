/**
 * The limits every JSON value a server takes from outside must keep, checked on an already
 * parsed value (JSON.parse is iterative and survives any nesting; JSON.stringify and every
 * recursive walk after it do not):
 * - at most MAX_JSON_DEPTH levels of objects and arrays, the limit canonical JSON already
 *   applies to events, so a body that passes can be signed, stored and sent back out;
 * - no lone surrogate in a string or key: it has no UTF-8 form, so it could be neither
 *   signed (canonical JSON is UTF-8) nor stored (PostgreSQL text is UTF-8);
 * - optionally no U+0000: Matrix allows it inside event content (event JSON keeps it as the
 *   escape `\u0000`), but PostgreSQL text and jsonb cannot hold it, so any value that is
 *   stored as such (IDs, names, account data, filters, ...) must not carry it.
 */
import { MAX_JSON_DEPTH } from "./canonical.js";

export interface JsonLimitOptions {
  /** Whether strings and keys may hold U+0000 (event content may; values stored as text may not). */
  readonly nul: "allowed" | "refused";
}

const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;
const SURROGATE = /[\ud800-\udfff]/;

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | null;
  readonly key: string | number;
}

/**
 * What is wrong with `value` ("JSON at content.a: string holds U+0000"), or null. Walks with
 * its own stack, so a value nested a million levels deep is reported, not a stack overflow.
 */
export function jsonLimitProblem(value: unknown, options: JsonLimitOptions): string | null {
  const stack: Frame[] = [{ value, depth: 0, parent: null, key: "" }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (typeof v === "string") {
      const problem = stringProblem(v, options);
      if (problem) return at(frame, problem);
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    const depth = frame.depth + 1;
    if (depth > MAX_JSON_DEPTH) return at(frame, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, parent: frame, key: i });
      continue;
    }
    for (const key of Object.keys(v)) {
      const problem = stringProblem(key, options);
      if (problem) return at({ value: key, depth, parent: frame, key }, `key ${problem.replace("string ", "")}`);
      stack.push({ value: (v as Record<string, unknown>)[key], depth, parent: frame, key });
    }
  }
  return null;
}

function stringProblem(s: string, options: JsonLimitOptions): string | null {
  if (!NUL_OR_SURROGATE.test(s)) return null;
  if (options.nul === "refused" && s.includes("\u0000")) return "string holds U+0000";
  if (SURROGATE.test(s) && !isWellFormed(s)) return "string holds a lone surrogate";
  return null;
}

/** Whether every surrogate in `s` is half of a valid pair (so `s` has a UTF-8 form). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

function at(frame: Frame, problem: string): string {
  const path = pathOf(frame);
  return path === "" ? `JSON ${problem}` : `JSON at ${path}: ${problem}`;
}

/** The path of a frame for the message, shortened: a deep path is mostly the same key. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | null = frame; f !== null && f.parent !== null; f = f.parent) {
    parts.push(typeof f.key === "number" ? `[${f.key}]` : `.${JSON.stringify(f.key).slice(1, -1)}`);
  }
  parts.reverse();
  const path = parts.join("").replace(/^\./, "");
  return path.length > 100 ? `${path.slice(0, 100)}...` : path;
}
