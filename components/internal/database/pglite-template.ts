import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const TEMPLATE = "pglite-template";
const STAMP = "pglite-template.json";

/**
 * The folder of the data folder PGlite's initdb makes, shut down cleanly, which the build
 * wrote (scripts/make-pglite-template.mjs): a new embedded database starts as a copy of it instead of
 * running initdb in WASM, which took most of a first start (8-25 s on the shared 2-core
 * machine) and left ~600 MB of WASM heap in the process for its whole life (issue 16).
 * Looked up from this file upwards (the sources and dist/ both find it); used only when it
 * was made by the PGlite installed now, else null (and PGlite runs initdb as before).
 */
export function pgliteTemplate(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const base of [dir, join(dir, "dist")]) {
      const template = join(base, TEMPLATE);
      const stamp = join(base, STAMP);
      if (!existsSync(join(template, "PG_VERSION")) || !existsSync(stamp)) continue;
      const madeBy = (JSON.parse(readFileSync(stamp, "utf8")) as { pglite?: string }).pglite;
      return madeBy === installedPgliteVersion() ? template : null;
    }
    dir = dirname(dir);
  }
  return null;
}

function installedPgliteVersion(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve("@electric-sql/pglite"));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}
