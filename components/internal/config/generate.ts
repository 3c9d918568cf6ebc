import { stringify } from "yaml";
import { CONFIG_SCHEMA, isLeaf, type Section } from "./schema.js";

/**
 * Renders a config file: every key with its value (the given override or the default)
 * and its meaning as a comment, so the generated file documents itself.
 */
export function renderConfig(values: Record<string, unknown>): string {
  const lines = [
    "# dendrite-ts configuration. Every key can be overridden by an environment variable:",
    "# DENDRITE_ + the key's path in upper case joined by _, e.g. DENDRITE_DATABASE_POSTGRES.",
    "",
  ];
  render(CONFIG_SCHEMA, values, [], 0, lines);
  return lines.join("\n") + "\n";
}

function render(schema: Section, values: Record<string, unknown>, path: string[], depth: number, lines: string[]): void {
  const indent = "  ".repeat(depth);
  for (const [key, node] of Object.entries(schema)) {
    const keyPath = [...path, key];
    if (isLeaf(node)) {
      const dotted = keyPath.join(".");
      const value = dotted in values ? values[dotted] : node.default;
      lines.push(`${indent}# ${node.doc}`);
      lines.push(`${indent}${key}: ${stringify(value ?? null).trimEnd()}`);
    } else {
      lines.push(`${indent}${key}:`);
      render(node, values, keyPath, depth + 1, lines);
    }
  }
}
