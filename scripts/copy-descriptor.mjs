// The compiled code looks for proto/gen/descriptor.binpb beside dist/ too; copy it there.
import { copyFileSync, mkdirSync } from "node:fs";
mkdirSync("dist/proto/gen", { recursive: true });
copyFileSync("proto/gen/descriptor.binpb", "dist/proto/gen/descriptor.binpb");
