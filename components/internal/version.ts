import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Name and version of this software, from package.json (found from sources and from dist/). */
function readPackage(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string };
      if (pkg.name === "dendrite-ts") return pkg;
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir);
  }
  return { name: "dendrite-ts", version: "unknown" };
}

export const SERVER_SOFTWARE = readPackage();
