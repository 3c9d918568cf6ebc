// The architecture rules of docs/architecture.md ("Rules the build checks") as pure functions
// over source texts, so test/unit/architecture.test.ts runs them on the repository and on tiny
// synthetic examples alike. Imports are read with the TypeScript parser (no type checking: fast).
import { posix } from "node:path";
import ts from "typescript";

export type Rule = "component-boundary" | "protocol-entry" | "generated-code" | "sql-outside-storage" | "import-cycle";

export interface Violation {
  readonly rule: Rule;
  /** Repository-relative path of the file that breaks the rule (for a cycle: its first file, sorted). */
  readonly file: string;
  readonly detail: string;
}

export interface ImportEdge {
  /** Repository-relative path of the imported file (`.ts`), or the bare specifier of a package. */
  readonly target: string;
  /** Erased at runtime: `import type`, `export type`, every named binding `type`, or `import("x").T`. */
  readonly typeOnly: boolean;
  /** `import("x")` called at runtime: loaded later, so it does not take part in load-order cycles. */
  readonly dynamic: boolean;
}

export interface ParsedFile {
  readonly imports: ImportEdge[];
  /** Text of string literals and templates that read as SQL. */
  readonly sql: string[];
}

/**
 * Entry modules of components/protocol that code outside it may import. Only the index: it
 * re-exports every module meant for outside use (and keeps internal helpers such as
 * auth/state-view unexported), so importing a deeper module is either a shortcut past the public
 * API or a use of an internal. A module that should be public is added to the index, not here.
 */
export const PROTOCOL_ENTRY_MODULES = ["components/protocol/index.ts"];

const COMPONENT_FILE = /^components\/([^/]+)\/(.*)$/;
/** Not components for the boundary rule: shared libraries every component may use. */
const SHARED = new Set(["internal", "protocol"]);

function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return joined.replace(/\.js$/, ".ts");
}

/**
 * SQL as this code base writes it: an upper-case statement keyword at the start, followed by the
 * shape of that statement (SELECT ... FROM, INSERT INTO, UPDATE t SET, ...), so prose such as
 * "Select a room" or an error message does not match.
 */
const SQL_SHAPE = new RegExp(
  "^\\s*(?:" +
    [
      "SELECT\\s+(?:[\\s\\S]*\\bFROM\\b|\\d+\\s*$|[a-z_]+\\s*\\()", // SELECT ... FROM, SELECT 1, SELECT f(...)
      "INSERT\\s+INTO\\s",
      "UPDATE\\s+[a-z_][\\w.]*(?:\\s+[a-z_]\\w*)?\\s+SET\\s",
      "DELETE\\s+FROM\\s",
      "WITH\\s+(?:RECURSIVE\\s+)?[a-z_]\\w*\\s*(?:\\([^)]*\\)\\s*)?AS\\s*(?:NOT\\s+)?(?:MATERIALIZED\\s*)?\\(",
      "CREATE\\s+(?:UNIQUE\\s+)?(?:TABLE|INDEX|SEQUENCE|TYPE|VIEW|FUNCTION|EXTENSION|OR\\s+REPLACE)\\s",
      "ALTER\\s+(?:TABLE|INDEX|SEQUENCE|TYPE)\\s",
      "DROP\\s+(?:TABLE|INDEX|SEQUENCE|TYPE|VIEW|FUNCTION)\\s",
    ].join("|") +
    ")",
);

export function looksLikeSql(text: string): boolean {
  return SQL_SHAPE.test(text);
}

export function parseFile(path: string, source: string): ParsedFile {
  const sf = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: ImportEdge[] = [];
  const sql: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      // `import "x"` runs x; `import { type A, type B } from "x"` is erased like `import type`.
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      imports.push({ target: resolve(path, node.moduleSpecifier.text), typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
      imports.push({ target: resolve(path, node.moduleSpecifier.text), typeOnly, dynamic: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      imports.push({ target: resolve(path, node.argument.literal.text), typeOnly: true, dynamic: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) imports.push({ target: resolve(path, arg.text), typeOnly: false, dynamic: true });
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (looksLikeSql(node.text)) sql.push(node.text);
    } else if (ts.isTemplateExpression(node)) {
      // Substitutions become a placeholder so `SELECT ${cols} FROM t` keeps its shape.
      const text = node.head.text + node.templateSpans.map((s) => "$x" + s.literal.text).join("");
      if (looksLikeSql(text)) sql.push(text);
      node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, sql };
}

const componentOf = (file: string): string | undefined => COMPONENT_FILE.exec(file)?.[1];

/** Rule a: a component reaches another only through its api/ or codecs/; factories only from cli/. */
function boundary(file: string, edge: ImportEdge): string | undefined {
  const to = componentOf(edge.target);
  if (file.startsWith("cli/") || to === undefined || SHARED.has(to)) return undefined;
  const from = componentOf(file);
  if (from === undefined || from === to) return undefined;
  const inside = COMPONENT_FILE.exec(edge.target)![2]!;
  if (SHARED.has(from)) return `${from} is shared plumbing and imports no component, but imports ${edge.target}`;
  if (inside === `${to}.ts`) return `imports ${to}'s factory ${edge.target}; only cli/ wires components`;
  if (!inside.startsWith("api/") && !inside.startsWith("codecs/")) return `imports ${edge.target}, outside ${to}'s api/ and codecs/`;
  return undefined;
}

/** Rule b: components/protocol from outside only through its entry modules. */
function protocolEntry(file: string, edge: ImportEdge): string | undefined {
  if (!edge.target.startsWith("components/protocol/") || file.startsWith("components/protocol/")) return undefined;
  return PROTOCOL_ENTRY_MODULES.includes(edge.target) ? undefined : `imports ${edge.target}, not a protocol entry module`;
}

/** Rule c: generated protobuf code only at the process edge. */
function generatedCode(file: string, edge: ImportEdge): string | undefined {
  if (!edge.target.startsWith("proto/gen/")) return undefined;
  const edgeFile =
    file.startsWith("cli/") || file.startsWith("components/internal/grpc/") || /^components\/[^/]+\/(grpc|codecs)\//.test(file);
  return edgeFile ? undefined : `imports generated ${edge.target} outside grpc/ and codecs/`;
}

/** Rule d: where SQL may be written. */
export function sqlAllowedIn(file: string): boolean {
  return (
    /^components\/[^/]+\/storage\//.test(file) ||
    file.startsWith("components/internal/database/") ||
    // The in-process event log and the consumers' bookkeeping keep their own tables.
    file.startsWith("components/internal/eventlog/")
  );
}

/** Rule e: strongly connected groups of files over runtime (static, not type-only) imports. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strong(v);
  return found;
}

/** One concrete path around a cycle group, from its first file back to it, for the message. */
function cyclePath(group: string[], graph: Map<string, string[]>): string[] {
  const members = new Set(group);
  const start = group[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return group;
}

/** Every violation in `files` (repository-relative path to source text). */
export function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const runtime = new Map<string, string[]>();
  for (const [file, source] of files) {
    const parsed = parseFile(file, source);
    for (const edge of parsed.imports) {
      for (const [rule, check] of [
        ["component-boundary", boundary],
        ["protocol-entry", protocolEntry],
        ["generated-code", generatedCode],
      ] as const) {
        const detail = check(file, edge);
        if (detail) violations.push({ rule, file, detail });
      }
    }
    if (!sqlAllowedIn(file)) {
      for (const text of parsed.sql)
        violations.push({ rule: "sql-outside-storage", file, detail: `SQL outside storage/: ${text.trim().split("\n")[0]}` });
    }
    runtime.set(
      file,
      parsed.imports.filter((e) => !e.typeOnly && !e.dynamic && files.has(e.target)).map((e) => e.target),
    );
  }
  for (const group of cycles(runtime)) {
    violations.push({ rule: "import-cycle", file: group[0]!, detail: `runtime import cycle: ${cyclePath(group, runtime).join(" -> ")}` });
  }
  return violations;
}

export interface Allowed {
  readonly rule: Rule;
  readonly file: string;
  readonly reason: string;
}

/** Violations the allow-list does not cover, then allow-list entries nothing violates any more (stale). */
export function againstAllowList(violations: readonly Violation[], allowed: readonly Allowed[]): string[] {
  const key = (v: { rule: Rule; file: string }) => `${v.rule} ${v.file}`;
  const allowedKeys = new Set(allowed.map(key));
  const found = new Set(violations.map(key));
  return [
    ...violations.filter((v) => !allowedKeys.has(key(v))).map((v) => `${key(v)}: ${v.detail}`),
    ...allowed.filter((a) => !found.has(key(a))).map((a) => `${key(a)}: no longer violates, delete its ALLOWED entry`),
  ];
}
