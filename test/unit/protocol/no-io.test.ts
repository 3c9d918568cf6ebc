/**
 * components/protocol must stay a pure library (docs/architecture.md: it imports nothing of
 * the others and does no I/O). This test reads every .ts file in it, lists every module it
 * names (import, import type, export ... from, dynamic import(), require()) and fails on
 * anything outside the folder other than the modules allowed below. It also fails on free
 * references to the I/O globals Node offers without an import.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const PROTOCOL_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../components/protocol");

/** Everything the protocol library may import from outside its folder, and why. */
const ALLOWED_MODULES: ReadonlyMap<string, string> = new Map([
  ["node:crypto", "ed25519 sign/verify, sha256, random IDs: computation, no I/O"],
  ["tweetnacl", "ed25519 key derivation from seeds: computation, no I/O"],
]);

/** Globals that reach the network, the file system or the process environment without an import. */
const IO_GLOBALS: ReadonlySet<string> = new Set([
  "fetch",
  "require",
  "process",
  "XMLHttpRequest",
  "WebSocket",
  "EventSource",
  "Deno",
  "Bun",
]);

/** The module specifiers a source file names, in every form TypeScript knows. */
function moduleSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Identifiers that refer to an I/O global (not property names such as `this.fetch`). */
function ioGlobalReferences(fileName: string, source: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && IO_GLOBALS.has(node.text)) {
      const p = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        ((ts.isPropertyDeclaration(p) ||
          ts.isPropertySignature(p) ||
          ts.isMethodDeclaration(p) ||
          ts.isMethodSignature(p) ||
          ts.isPropertyAssignment(p)) &&
          p.name === node);
      if (!isPropertyName) found.push(`${node.text} (line ${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** What is wrong with one file's imports: modules outside the folder that are not allowed. */
function protocolImportViolations(filePath: string, source: string): string[] {
  const problems: string[] = [];
  for (const spec of moduleSpecifiers(source)) {
    if (spec.startsWith(".") || spec.startsWith("/")) {
      const target = resolve(dirname(filePath), spec);
      const rel = relative(PROTOCOL_ROOT, target);
      if (rel.startsWith("..") || resolve(PROTOCOL_ROOT, rel) !== target) problems.push(`"${spec}" leaves components/protocol`);
    } else if (!ALLOWED_MODULES.has(spec)) {
      problems.push(`"${spec}" is not an allowed module (${[...ALLOWED_MODULES.keys()].join(", ")})`);
    }
  }
  for (const ref of ioGlobalReferences(filePath, source)) problems.push(`uses the I/O global ${ref}`);
  return problems;
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("components/protocol does no I/O", () => {
  const files = tsFilesUnder(PROTOCOL_ROOT);

  it("finds the library's files", () => {
    expect(files.length).to.be.greaterThan(30);
    expect(files.some((f) => f.endsWith("crypto/keys.ts"))).to.equal(true);
  });

  it("imports nothing outside its folder but node:crypto and tweetnacl, and uses no I/O global", () => {
    const problems = files.flatMap((f) =>
      protocolImportViolations(f, readFileSync(f, "utf8")).map((p) => `${relative(PROTOCOL_ROOT, f)}: ${p}`),
    );
    expect(problems).to.deep.equal([]);
  });

  describe("the check itself catches", () => {
    const file = join(PROTOCOL_ROOT, "events", "example.ts");
    const cases: [string, string][] = [
      ["a default import of node:fs", `import fs from "node:fs";`],
      ["a named import of fs without the node: prefix", `import { readFileSync } from "fs";`],
      ["a type-only import of another component", `import type { Db } from "../../internal/database.js";`],
      ["a re-export of node:net", `export * from "node:net";`],
      ["a dynamic import", `const http = await import("node:http");`],
      ["a require", `const pg = require("pg");`],
      ["a side-effect import of a logger", `import "pino";`],
      ["a relative path that climbs out", `import { x } from "../../../cli/main.js";`],
      ["the global fetch", `export const get = () => fetch("https://example.org");`],
      ["process.env", `export const home = process.env.HOME;`],
    ];
    for (const [what, source] of cases) {
      it(what, () => expect(protocolImportViolations(file, source)).to.have.length.greaterThan(0));
    }

    it("and lets through what is allowed", () => {
      const source = [
        `import { createHash } from "node:crypto";`,
        `import nacl from "tweetnacl";`,
        `import { parseEvent } from "./parse.js";`,
        `export * from "../json/canonical.js";`,
        `class R { private readonly fetch = 1; run(o: { fetch: () => void }) { o.fetch(); return this.fetch; } }`,
      ].join("\n");
      expect(protocolImportViolations(file, source)).to.deep.equal([]);
    });
  });
});
