import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  formatOldVerifyKeysFile,
  formatSigningKeyFile,
  generateSigningKey,
  parseOldVerifyKeysFile,
  parseSigningKeyFile,
  type OldVerifyKey,
  type SigningKey,
} from "../components/protocol/index.js";

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

/** The retired keys in the old verify keys file; none when it does not exist. */
export function loadOldVerifyKeys(path: string): OldVerifyKey[] {
  if (!existsSync(path)) return [];
  return parseOldVerifyKeysFile(readFileSync(path, "utf8"));
}

/**
 * Key rotation: a new signing key replaces the current one, which is kept (its public half)
 * in the old verify keys file with `expiredTs`, so what it signed can still be verified.
 * The old keys file is written before the signing key: a crash in between leaves the old
 * key both current and listed as old, which verifiers treat as current, never a key lost.
 */
export function rotateSigningKey(
  signingKeyPath: string,
  oldVerifyKeysPath: string,
  expiredTs: number,
): { retired: SigningKey; key: SigningKey } {
  const { key: retired } = loadOrCreateSigningKey(signingKeyPath);
  const old = loadOldVerifyKeys(oldVerifyKeysPath).filter((k) => k.keyId !== retired.keyId);
  let key = generateSigningKey();
  // A version reused would make old signatures ambiguous; draw again (4 random characters).
  while (key.keyId === retired.keyId || old.some((k) => k.keyId === key.keyId)) key = generateSigningKey();
  old.push({ keyId: retired.keyId, publicKey: retired.publicKeyBase64, expiredTs });
  mkdirSync(dirname(oldVerifyKeysPath), { recursive: true });
  writeAtomically(oldVerifyKeysPath, formatOldVerifyKeysFile(old), 0o644);
  writeAtomically(signingKeyPath, formatSigningKeyFile([key]), 0o600);
  return { retired, key };
}

function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}
