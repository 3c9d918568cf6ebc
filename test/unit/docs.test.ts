import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROUTE_TABLE } from "../../cli/route-table.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const ARCHITECTURE = readFileSync(join(ROOT, "docs", "architecture.md"), "utf8");

function subfolders(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The rows of the markdown table whose header row is `header`, as cells. */
function tableRows(markdown: string, header: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.trim() === header);
  expect(start, `a table headed ${header}`).to.be.greaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** Inline code spans (fenced blocks left out, their backticks would pair with the spans'). */
const backticked = (text: string) => [...text.replace(/^```[^]*?^```/gm, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

describe("the docs match the code", () => {
  it("architecture.md lists each component's folders as they are", () => {
    const rows = tableRows(ARCHITECTURE, "| component | folders |");
    const documented = new Map(rows.map(([component, folders]) => [backticked(component!)[0]!, backticked(folders!).sort()]));
    const components = subfolders("components").filter((c) => c !== "internal" && c !== "protocol");
    expect([...documented.keys()].sort()).to.deep.equal(components);
    for (const component of components)
      expect(documented.get(component), component).to.deep.equal(subfolders(join("components", component)));
  });

  it("every repository path the README and architecture.md name exists", () => {
    for (const [name, text] of [
      ["README.md", README],
      ["docs/architecture.md", ARCHITECTURE],
    ] as const) {
      const paths = backticked(text)
        .map((p) => p.split(/\s/)[0]!.replace(/[.,:;]$/, ""))
        .filter((p) => /^(components|cli|docker|docs|scripts|test|bench)\//.test(p) && !/[<{*]/.test(p));
      expect(paths.length, name).to.be.greaterThan(3);
      const missing = paths.filter((p) => !existsSync(join(ROOT, p.replace(/\([^)]*\)$/, ""))));
      expect(missing.join(", "), name).to.equal("");
    }
  });

  it("the README claims no API that no route serves", () => {
    const served = (prefix: string) => ROUTE_TABLE.some((r) => r.template.startsWith(prefix));
    if (!served("/_matrix/media/") && !served("/_matrix/client/v1/media/")) expect(README).to.not.match(/\bmedia APIs?\b/i);
    if (!served("/_matrix/key/")) expect(README).to.not.match(/\bkey APIs?\b/i);
  });

  it("no file cites a document the repository does not hold", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
    const held = new Set(tracked.map((f) => f.slice(f.lastIndexOf("/") + 1)));
    const cited: string[] = [];
    for (const file of tracked.filter((f) => /\.(ts|md|mjs|yaml)$/.test(f) && existsSync(join(ROOT, f)))) {
      // Upper-case document names (README.md, ...): the project's own documents.
      for (const match of readFileSync(join(ROOT, file), "utf8").matchAll(/\b([A-Z][A-Z_-]*\.md)\b/g)) {
        if (!held.has(match[1]!)) cited.push(`${file}: ${match[1]}`);
      }
    }
    expect(cited).to.deep.equal([]);
  });
});
