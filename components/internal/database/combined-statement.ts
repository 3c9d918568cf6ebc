import type { Statement } from "./database.js";

/**
 * Several statements as one (one round trip; one implicit transaction when run outside
 * one): `others` become data-modifying WITH clauses of `main`, whose RETURNING rows are the
 * statement's. PostgreSQL runs each clause exactly once, whether or not `main` reads it,
 * all on one snapshot: none may need to see another's changes. `main` must not start with
 * its own WITH.
 */
export function combineStatements(main: Statement, others: readonly Statement[]): Statement {
  const params: unknown[] = [];
  // Each statement numbers its parameters from $1; in one statement they follow on.
  const renumbered = (s: Statement) => {
    const offset = params.length;
    params.push(...s.params);
    return s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  };
  const clauses = others.map((s, i) => `w${i} AS (${renumbered(s)})`);
  const sql = clauses.length > 0 ? `WITH ${clauses.join(", ")} ${renumbered(main)}` : renumbered(main);
  return { sql, params };
}
