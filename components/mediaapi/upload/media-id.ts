import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A new media ID: 24 letters and digits (142 bits), drawn from the CSPRNG, since knowing an
 * ID is all it takes to fetch the media. Only characters the spec allows (`A-Za-z0-9_-`).
 */
export function newMediaId(): string {
  const bytes = randomBytes(24);
  let id = "";
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

/** Whether a media ID in a request has the spec's grammar (and so can name nothing but media). */
export const isValidMediaId = (id: string): boolean => /^[A-Za-z0-9_-]{1,255}$/.test(id);
