import { Readable } from "node:stream";
import sharp from "sharp";
import type { Database } from "../../internal/database/database.js";
import { MatrixError } from "../../internal/http/matrix-error.js";
import { essenceOf } from "../download/content-disposition.js";
import type { ServedFile } from "../download/media-response.js";
import type { UploadedMedia } from "../download/local-media.js";
import type { MediaStore } from "../files/media-store.js";
import { insertThumbnail, selectThumbnail } from "../storage/thumbnails.js";
import type { ThumbnailSize } from "./sizes.js";

/**
 * Images beyond this many pixels are refused before decoding (sharp reads the dimensions from
 * the header): a small file may declare a huge image, and decoding it would take gigabytes.
 * 32 megapixels is Synapse's default too.
 */
export const MAX_THUMBNAIL_INPUT_PIXELS = 32_000_000;

/** Types thumbnailed; SVG is not rendered (a rasteriser fed hostile XML is a risk for nothing). */
const THUMBNAILABLE = new Set(["image/jpeg", "image/png", "image/apng", "image/gif", "image/webp", "image/avif"]);
/** Types that may hold an animation worth keeping when the client asks for one. */
const ANIMATABLE = new Set(["image/gif", "image/png", "image/apng", "image/webp"]);

// libvips' own cache would keep decoded images in memory between requests; the stored thumbnails are the cache.
sharp.cache(false);

/**
 * Thumbnails made on demand with sharp (libvips) in one of the recommended sizes, stored in
 * the file store and its table, so each size of each image is made once.
 */
export class Thumbnailer {
  constructor(
    private readonly db: Database,
    private readonly store: MediaStore,
    private readonly now: () => number = Date.now,
  ) {}

  async thumbnail(media: UploadedMedia, size: ThumbnailSize, animatedWanted: boolean): Promise<ServedFile> {
    const type = essenceOf(media.contentType);
    if (!THUMBNAILABLE.has(type)) throw new MatrixError(400, "M_UNKNOWN", `Cannot generate thumbnails of ${type} media`);
    const animated = animatedWanted && ANIMATABLE.has(type);
    const key = { origin: media.origin, mediaId: media.mediaId, ...size, animated };
    const stored = await selectThumbnail(this.db, key);
    if (stored) return { sha256: stored.sha256, size: stored.size, contentType: stored.contentType, filename: null };

    const { bytes, contentType } = await this.generate(media, type, size, animated);
    const file = await this.store.put(Readable.from([bytes]), bytes.length);
    await insertThumbnail(this.db, { ...key, contentType, size: file.size, sha256: file.sha256, createdTs: this.now() });
    return { sha256: file.sha256, size: file.size, contentType, filename: null };
  }

  private async generate(media: UploadedMedia, type: string, size: ThumbnailSize, animated: boolean) {
    const source = await this.store.get(media.sha256);
    if (!source) throw new MatrixError(404, "M_NOT_FOUND", "The media's file is missing from the store");
    // Whole-file decoding errors ("premature end", "corrupt") fail the request, not a half-grey thumbnail.
    const image = sharp({ limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS, failOn: "error", animated });
    const resized = image.rotate().resize(size.width, size.height, {
      fit: size.method === "crop" ? "cover" : "inside",
      withoutEnlargement: size.method === "scale",
    });
    const output = animated
      ? { pipeline: resized.webp(), contentType: "image/webp" }
      : type === "image/jpeg"
        ? { pipeline: resized.jpeg({ quality: 80 }), contentType: "image/jpeg" }
        : { pipeline: resized.png(), contentType: "image/png" };
    source.on("error", (err) => image.destroy(err));
    source.pipe(image);
    try {
      return { bytes: await output.pipeline.toBuffer(), contentType: output.contentType };
    } catch (err) {
      source.destroy();
      throw decodeError(err);
    }
  }
}

function decodeError(err: unknown): MatrixError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new MatrixError(413, "M_TOO_LARGE", `The image has more than ${MAX_THUMBNAIL_INPUT_PIXELS} pixels; no thumbnail is made of it`);
  }
  return new MatrixError(400, "M_UNKNOWN", `Cannot generate a thumbnail: the image could not be decoded (${message.split("\n")[0]})`);
}
