import { createHash, randomBytes, randomInt } from "node:crypto";

/**
 * Access tokens are 32 random bytes, handed out once and stored only as their SHA-256, so a
 * leaked database holds no usable token. The `dts_` prefix makes them recognisable in
 * secret scanners and logs.
 */
export function newAccessToken(): string {
  return `dts_${randomBytes(32).toString("base64url")}`;
}

export function hashAccessToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

const DEVICE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A device ID as Synapse makes them: ten upper-case letters. */
export function newDeviceId(): string {
  let id = "";
  for (let i = 0; i < 10; i++) id += DEVICE_ID_ALPHABET[randomInt(DEVICE_ID_ALPHABET.length)];
  return id;
}

/** An opaque ID for user-interactive auth sessions and registration nonces. */
export function newSessionId(): string {
  return randomBytes(18).toString("base64url");
}
