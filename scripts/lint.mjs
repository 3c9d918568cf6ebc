// `npm run lint`: ESLint and Prettier's check, both always run, side by side (each is one
// process on one core); each part's output is printed whole, then a summary naming the part
// that failed, so a formatting failure is not mistaken for a lint error (or the reverse).
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";

const parts = [
  { name: "eslint", args: ["eslint", "--max-warnings", "0", "."], fix: "fix the errors above" },
  // --cache: unchanged files are skipped on the next local run (the cache keys on content and config).
  {
    name: "prettier --check",
    args: ["prettier", "--check", "--cache", "--log-level", "warn", "**/*.{ts,js,mjs}"],
    fix: "run `npm run format`",
  },
];

function run(part) {
  return new Promise((resolve) => {
    const child = spawn("npx", ["--no-install", ...part.args], { stdio: ["ignore", "pipe", "pipe"] });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    child.on("error", (err) => resolve({ part, ok: false, output: Buffer.from(String(err)) }));
    child.on("close", (code) => resolve({ part, ok: code === 0, output: Buffer.concat(output) }));
  });
}

const results = await Promise.all(parts.map(run));
for (const { part, output } of results) {
  console.log(`lint: ${part.name} said:`);
  process.stdout.write(output.length > 0 ? output : "(nothing)\n");
}
for (const { part, ok } of results) console.log(`lint: ${part.name} ${ok ? "passed" : `FAILED (${part.fix})`}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
