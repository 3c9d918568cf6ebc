// `npm run lint`: ESLint, then Prettier's check, both always run; the summary names the part
// that failed so a formatting failure is not mistaken for a lint error (or the reverse).
import { spawnSync } from "node:child_process";

const parts = [
  { name: "eslint", args: ["eslint", "--max-warnings", "0", "."], fix: "fix the errors above" },
  { name: "prettier --check", args: ["prettier", "--check", "--log-level", "warn", "**/*.{ts,js,mjs}"], fix: "run `npm run format`" },
];

const failed = [];
for (const part of parts) {
  console.log(`lint: running ${part.name}`);
  const run = spawnSync("npx", ["--no-install", ...part.args], { stdio: "inherit" });
  if (run.status !== 0) failed.push(part);
}
for (const part of parts) {
  const ok = !failed.includes(part);
  console.log(`lint: ${part.name} ${ok ? "passed" : `FAILED (${part.fix})`}`);
}
process.exit(failed.length === 0 ? 0 : 1);
