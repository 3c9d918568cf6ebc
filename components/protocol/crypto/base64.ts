/**
 * Unpadded Base64 (spec appendix "Unpadded Base64"), standard and URL-safe alphabets.
 * Decoding is strict about the alphabet (Buffer.from silently skips junk, which would let
 * two different strings name the same key or signature) but accepts optional padding, as the
 * spec asks.
 */
import { ProtocolError } from "../errors.js";

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

export function encodeBase64(bytes: Uint8Array): string {
  return stripPadding(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"));
}

export function encodeBase64Url(bytes: Uint8Array): string {
  // Node's base64url output is already unpadded.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Decodes standard Base64, padded or not. Throws ProtocolError("BAD_JSON") on anything else. */
export function decodeBase64(text: string): Buffer {
  if (!isBase64(text)) throw new ProtocolError("BAD_JSON", `not valid unpadded Base64: ${preview(text)}`);
  return Buffer.from(text, "base64");
}

/** Decodes URL-safe Base64, padded or not. */
export function decodeBase64Url(text: string): Buffer {
  if (!isBase64Url(text)) throw new ProtocolError("BAD_JSON", `not valid URL-safe Base64: ${preview(text)}`);
  return Buffer.from(text, "base64url");
}

export function isBase64(text: string): boolean {
  return STANDARD.test(text) && validLength(text);
}

export function isBase64Url(text: string): boolean {
  return URL_SAFE.test(text) && validLength(text);
}

function validLength(text: string): boolean {
  const body = text.endsWith("==") ? text.length - 2 : text.endsWith("=") ? text.length - 1 : text.length;
  // A lone trailing character carries fewer than 8 bits; padding must complete a quantum.
  if (body % 4 === 1) return false;
  return body === text.length || text.length % 4 === 0;
}

function stripPadding(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  return end === s.length ? s : s.slice(0, end);
}

function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "..." : text);
}
