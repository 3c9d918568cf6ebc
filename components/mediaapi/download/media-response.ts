import type Koa from "koa";
import type { MediaStore } from "../files/media-store.js";
import { parseRange } from "./byte-range.js";
import { contentDisposition } from "./content-disposition.js";

/** What is served: bytes in the store and how to label them. */
export interface ServedFile {
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
  readonly filename: string | null;
}

/**
 * Sandboxes anything a browser opens from the media origin: no script, no plugins but PDF,
 * nothing loaded from elsewhere (the value the spec's client section and Synapse use).
 */
export const MEDIA_CSP =
  "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

/**
 * Serves stored bytes with the headers that make them safe to open in a browser, whole or
 * one range of them (206, or 416 when the range starts past the end). A media ID never
 * names other bytes, so the answer may be cached for good — privately, since it needed a
 * token.
 */
export async function sendStoredFile(ctx: Koa.Context, store: MediaStore, file: ServedFile, onMissing: () => Error): Promise<void> {
  ctx.set("Content-Type", file.contentType);
  ctx.set("Content-Disposition", contentDisposition(file.contentType, file.filename));
  ctx.set("Content-Security-Policy", MEDIA_CSP);
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.set("Cross-Origin-Resource-Policy", "cross-origin");
  ctx.set("Cache-Control", "private, max-age=31536000, immutable");
  ctx.set("Accept-Ranges", "bytes");
  ctx.set("ETag", `"${file.sha256}"`);

  const range = parseRange(ctx.get("Range") || undefined, file.size);
  if (range === "unsatisfiable") {
    ctx.remove("Content-Disposition");
    ctx.set("Content-Range", `bytes */${file.size}`);
    ctx.status = 416;
    ctx.body = { errcode: "M_UNKNOWN", error: `The range is outside the ${file.size} bytes of this media` };
    return;
  }
  const length = range ? range.end - range.start + 1 : file.size;
  // HEAD: the headers only; opening the file would leave a stream nobody reads.
  if (ctx.method === "HEAD") {
    if (range) ctx.set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    ctx.status = range ? 206 : 200;
    ctx.length = length;
    return;
  }
  if (length === 0) {
    ctx.status = 200;
    ctx.body = Buffer.alloc(0);
    ctx.set("Content-Type", file.contentType);
    return;
  }
  const body = await store.get(file.sha256, range ?? undefined);
  if (!body) throw onMissing();
  ctx.body = body;
  // Koa labels a stream body itself (and ctx.type would add a charset); the stored type is what the uploader said.
  ctx.set("Content-Type", file.contentType);
  ctx.length = length;
  if (range) {
    ctx.status = 206;
    ctx.set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
  } else {
    ctx.status = 200;
  }
}
