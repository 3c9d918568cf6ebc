import { isWellFormed } from "../../protocol/index.js";

/**
 * PostgreSQL text (and jsonb) cannot hold U+0000, and being UTF-8 cannot hold a lone
 * surrogate either: a statement carrying one fails, every time, so a log consumer writing it
 * would retry forever. Values from outside are checked at the edge (internal/http); what a
 * component derives from event content, which may hold U+0000, is checked here before it is
 * written to a column of its own.
 */

/** Why PostgreSQL text cannot hold `s`, or null if it can. */
export function textProblem(s: string): string | null {
  if (s.includes("\u0000")) return "holds U+0000";
  if (!isWellFormed(s)) return "holds a lone surrogate";
  return null;
}

export function isStorableText(s: string): boolean {
  return textProblem(s) === null;
}

/** `s` with what text cannot hold replaced by U+FFFD: for messages (a rejection reason), never for data. */
export function storableText(s: string): string {
  if (isStorableText(s)) return s;
  return s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
