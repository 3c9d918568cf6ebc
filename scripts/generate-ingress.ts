// Writes docker/kubernetes/ingress.yaml from the route table (cli/route-table.ts).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ingressYaml } from "../cli/ingress.js";

const target = join(dirname(fileURLToPath(import.meta.url)), "..", "docker", "kubernetes", "ingress.yaml");
writeFileSync(target, ingressYaml());
console.log(`wrote ${target}`);
