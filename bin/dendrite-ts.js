#!/usr/bin/env node
// The built CLI (npm run build writes dist/). Kept as plain JS so `bin` works without a loader.
import { existsSync } from "node:fs";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("dendrite-ts is not built yet: run `npm run build` (npm start and npm test build it for you)\n");
  process.exit(1);
}
await import(main.href);
