// The embedded database's template (dist/pglite-template/): the data folder PGlite's initdb
// makes, shut down cleanly, made once here at build time so that a server's first start
// copies it instead of running initdb in WASM (~10 s of CPU, and ~600 MB of WASM heap the
// process keeps: issue 16). A clean shutdown matters: a copy of a running database would be
// recovered at its first start, which flushes every file of it one by one. Remade only when
// the installed PGlite is another version. ~39 MB of files, ~4.5 MB compressed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

const require = createRequire(import.meta.url);
let dir = dirname(require.resolve("@electric-sql/pglite"));
while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;

const template = "dist/pglite-template";
const stamp = "dist/pglite-template.json";
if (existsSync(join(template, "PG_VERSION")) && existsSync(stamp) && JSON.parse(readFileSync(stamp, "utf8")).pglite === version)
  process.exit(0);
rmSync(template, { recursive: true, force: true });
rmSync(stamp, { force: true });
mkdirSync(template, { recursive: true });
const db = await PGlite.create({ fs: new NodeFS(template) });
await db.close();
rmSync(join(template, "postmaster.pid"), { force: true });
writeFileSync(stamp, JSON.stringify({ pglite: version }) + "\n");
console.log(`wrote ${template} (PGlite ${version})`);
