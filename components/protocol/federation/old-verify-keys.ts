/**
 * The file of this server's retired signing keys, published as `old_verify_keys` so that
 * events and requests it signed before a key rotation can still be checked. One key a
 * line: `ed25519:<version> <unpadded base64 public key> <expired_ts in ms>`; blank lines
 * and lines starting with `#` are ignored. Only public keys are kept: a retired key never
 * signs again.
 */
import { ProtocolError } from "../errors.js";
import { decodeBase64 } from "../crypto/base64.js";

export interface OldVerifyKey {
  /** "ed25519:<version>" */
  readonly keyId: string;
  /** Unpadded base64 of the 32-byte public key. */
  readonly publicKey: string;
  /** When the key stopped being used (ms since the epoch). */
  readonly expiredTs: number;
}

const LINE = /^(ed25519:[A-Za-z0-9_]+)\s+([A-Za-z0-9+/]+={0,2})\s+(\d+)$/;

export function parseOldVerifyKeysFile(text: string): OldVerifyKey[] {
  const keys: OldVerifyKey[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = LINE.exec(line);
    const where = `old verify keys line ${index + 1}`;
    if (!m) throw new ProtocolError("BAD_KEY", `${where}: expected "ed25519:<version> <base64 public key> <expired_ts>"`);
    const [, keyId, publicKey, expired] = m;
    if (decodeBase64(publicKey!).length !== 32) throw new ProtocolError("BAD_KEY", `${where}: the public key is not 32 bytes`);
    const expiredTs = Number(expired);
    if (!Number.isSafeInteger(expiredTs)) throw new ProtocolError("BAD_KEY", `${where}: expired_ts is out of range`);
    if (seen.has(keyId!)) throw new ProtocolError("BAD_KEY", `${where}: ${keyId} is listed twice`);
    seen.add(keyId!);
    keys.push({ keyId: keyId!, publicKey: publicKey!.replace(/=+$/, ""), expiredTs });
  });
  return keys;
}

export function formatOldVerifyKeysFile(keys: readonly OldVerifyKey[]): string {
  const header = "# Retired signing keys of this server, published as old_verify_keys: key ID, public key, expired_ts (ms)\n";
  return header + keys.map((k) => `${k.keyId} ${k.publicKey} ${k.expiredTs}\n`).join("");
}
