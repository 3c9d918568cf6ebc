import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Synapse's shared-secret registration MAC, which admin tools (synapse's
 * register_new_matrix_user, matrix-commander...) compute: HMAC-SHA1 keyed with the shared
 * secret over nonce, user name, password and "admin" or "notadmin", separated by NUL bytes,
 * with the user type appended when one is given; lower-case hex.
 */
export interface SharedSecretFields {
  readonly nonce: string;
  readonly username: string;
  readonly password: string;
  readonly admin: boolean;
  readonly userType?: string;
}

export function sharedSecretMac(secret: string, fields: SharedSecretFields): string {
  const hmac = createHmac("sha1", secret);
  const parts = [fields.nonce, fields.username, fields.password, fields.admin ? "admin" : "notadmin"];
  if (fields.userType !== undefined) parts.push(fields.userType);
  hmac.update(parts.join("\x00"), "utf8");
  return hmac.digest("hex");
}

/** Compares a client's MAC with the expected one in constant time. */
export function macMatches(secret: string, fields: SharedSecretFields, mac: string): boolean {
  const expected = Buffer.from(sharedSecretMac(secret, fields), "utf8");
  const given = Buffer.from(mac.toLowerCase(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
