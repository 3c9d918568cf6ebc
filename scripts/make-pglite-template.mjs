// The embedded database's template (dist/pglite-template.tar.gz): the data folder PGlite's
// initdb makes, made once here at build time so that a server's first start copies it
// instead of running initdb in WASM (~10 s of CPU, and ~600 MB of WASM heap the process
// keeps: issue 16). Remade only when the installed PGlite is another version.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

const require = createRequire(import.meta.url);
let dir = dirname(require.resolve("@electric-sql/pglite"));
while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;

const tarball = "dist/pglite-template.tar.gz";
const stamp = "dist/pglite-template.json";
if (existsSync(tarball) && existsSync(stamp) && JSON.parse(readFileSync(stamp, "utf8")).pglite === version) process.exit(0);
mkdirSync("dist", { recursive: true });
const db = await PGlite.create();
const dump = await db.dumpDataDir("gzip");
await db.close();
writeFileSync(tarball, Buffer.from(await dump.arrayBuffer()));
writeFileSync(stamp, JSON.stringify({ pglite: version }) + "\n");
console.log(`wrote ${tarball} (PGlite ${version})`);
