import { textProblem } from "../database/storable-text.js";
import { invalidParam } from "./matrix-error.js";

/**
 * 400 M_INVALID_PARAM for a query string with a name or value that text columns cannot hold.
 * Query parameters, like path parameters (router.ts), become IDs, types, keys and tokens that
 * are looked up in or written to text columns; no Matrix identifier needs U+0000 or a lone
 * surrogate, so such a parameter is refused here rather than by a failing statement.
 */
export function checkQueryText(query: Record<string, string | string[] | undefined>): void {
  for (const [name, value] of Object.entries(query)) {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const text of [name, ...values]) {
      const problem = textProblem(text);
      if (problem) throw invalidParam(`query parameter ${JSON.stringify(name)} ${problem}`);
    }
  }
}
