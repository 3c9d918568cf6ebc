import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The FileDescriptorSet `buf build` writes (proto/gen/descriptor.binpb), which server
 * reflection serves. Looked up from this file upwards, so it is found both from the
 * sources (tsx) and from dist/, where the build copies it.
 */
export function loadDescriptorSet(): Buffer {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "proto", "gen", "descriptor.binpb");
    if (existsSync(candidate)) return readFileSync(candidate);
    dir = dirname(dir);
  }
  throw new Error("proto/gen/descriptor.binpb not found: run `npm run generate` (or `npm run build`) first");
}
