/**
 * `npm run bench -- <area> [area...]`: runs the benchmarks of each area (bench/<area>.ts,
 * each exporting `run()`), printing one JSON line per figure and a table at the end.
 * With no area, runs them all.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { printTable } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "report.ts", "process-stats.ts"].includes(f))
  .map((f) => f.slice(0, -3));
const wanted = process.argv.slice(2);
const areas = wanted.length > 0 ? wanted : available;

for (const area of areas) {
  if (!available.includes(area)) {
    console.error(`unknown benchmark area ${JSON.stringify(area)}; available: ${available.join(", ")}`);
    process.exit(2);
  }
  const mod = (await import(join(here, `${area}.ts`))) as { run: () => Promise<void> };
  await mod.run();
}
printTable();
process.exit(0);
