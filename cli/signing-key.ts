import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatSigningKeyFile, generateSigningKey, parseSigningKeyFile, type SigningKey } from "../components/protocol/index.js";

/**
 * Reads the signing key file (Synapse's format), creating it with a fresh key when it
 * does not exist. The first key in the file signs; the file is written owner-only.
 */
export function loadOrCreateSigningKey(path: string): { key: SigningKey; created: boolean } {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const key = generateSigningKey();
    writeFileSync(path, formatSigningKeyFile([key]), { mode: 0o600 });
    return { key, created: true };
  }
  const keys = parseSigningKeyFile(readFileSync(path, "utf8"));
  if (keys.length === 0) throw new Error(`signing key file ${path} holds no key`);
  return { key: keys[0]!, created: false };
}
