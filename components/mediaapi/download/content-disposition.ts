/**
 * Types a browser may show inline without risk to the origin serving them: images a browser
 * renders as pixels (not SVG, which runs script), audio, video and plain text. Everything
 * else is served as an attachment, and every answer carries a sandboxing CSP and nosniff.
 */
const INLINE_TYPES = new Set([
  "text/plain",
  "text/csv",
  "image/jpeg",
  "image/gif",
  "image/png",
  "image/apng",
  "image/webp",
  "image/avif",
  "video/mp4",
  "video/webm",
  "video/ogg",
  "video/quicktime",
  "audio/mp4",
  "audio/webm",
  "audio/aac",
  "audio/mpeg",
  "audio/ogg",
  "audio/wave",
  "audio/wav",
  "audio/x-wav",
  "audio/flac",
  "audio/x-flac",
]);

/** The media type without parameters, lower-cased: `Text/Plain; charset=utf-8` gives `text/plain`. */
export const essenceOf = (contentType: string): string => contentType.split(";")[0]!.trim().toLowerCase();

export const isInlineSafe = (contentType: string): boolean => INLINE_TYPES.has(essenceOf(contentType));

/**
 * The Content-Disposition header: `inline` only for safe types, the file name as RFC 6266's
 * `filename*` (UTF-8, percent-encoded), which every current browser reads and which cannot
 * break out of the header.
 */
export function contentDisposition(contentType: string, filename: string | null): string {
  const kind = isInlineSafe(contentType) ? "inline" : "attachment";
  if (!filename) return kind;
  return `${kind}; filename*=utf-8''${encodeRfc5987(filename)}`;
}

/** Percent-encodes all but RFC 5987's attr-char. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
