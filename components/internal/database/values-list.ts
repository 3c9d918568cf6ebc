/**
 * The VALUES list of a multi-row INSERT: `rows` (each with the same columns) become
 * `($1, $2), ($3, $4), ...` with their parameters in the same order; `casts[i]`, when given,
 * follows column i's placeholder (e.g. "::bigint[]", for arrays the driver sends as text).
 */
export function valuesList(
  rows: readonly (readonly unknown[])[],
  casts: Readonly<Record<number, string>> = {},
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const placeholder = (value: unknown, column: number) => {
    params.push(value);
    return `$${params.length}${casts[column] ?? ""}`;
  };
  const sql = rows.map((row) => `(${row.map(placeholder).join(", ")})`).join(", ");
  return { sql, params };
}
