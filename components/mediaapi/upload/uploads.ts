import type { Database } from "../../internal/database/database.js";
import { MatrixError, forbidden, notFound } from "../../internal/http/matrix-error.js";
import { FileTooLargeError, type MediaStore, type StoredFile } from "../files/media-store.js";
import { completePendingMedia, countPendingMedia, insertMedia, selectMedia } from "../storage/media.js";
import { newMediaId } from "./media-id.js";

/** How long a media ID from POST /create waits for its bytes (Synapse's default too). */
export const UNUSED_MEDIA_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Media IDs one user may hold without bytes at once; more is 429, as the spec suggests. */
export const MAX_PENDING_PER_USER = 50;

export const tooLargeUpload = (limit: number) => new MatrixError(413, "M_TOO_LARGE", `Cannot upload files larger than ${limit} bytes`);

export interface UploadContent {
  /** The request body, streamed. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Content-Length, when the client sent one: checked before a byte is read. */
  readonly declaredLength: number | null;
  readonly contentType: string;
  readonly filename: string | null;
}

/**
 * Uploads, immediate (POST /upload) and asynchronous (POST /create, then PUT). The bytes go
 * to the store first and the metadata row is written after, so a row never names bytes
 * that are not there; an upload refused half-way leaves nothing.
 */
export class Uploads {
  constructor(
    private readonly db: Database,
    private readonly store: MediaStore,
    private readonly serverName: string,
    private readonly maxUploadBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  async upload(uploader: string, content: UploadContent): Promise<string> {
    const file = await this.receive(content);
    const mediaId = newMediaId();
    await insertMedia(this.db, {
      origin: this.serverName,
      mediaId,
      contentType: content.contentType,
      filename: content.filename,
      size: file.size,
      sha256: file.sha256,
      uploader,
      createdTs: this.now(),
      unusedExpiresTs: null,
    });
    return mediaId;
  }

  /** A media ID for a later upload, and when it stops being usable. */
  async create(uploader: string): Promise<{ mediaId: string; unusedExpiresAt: number }> {
    const now = this.now();
    if ((await countPendingMedia(this.db, uploader, now)) >= MAX_PENDING_PER_USER) {
      throw new MatrixError(429, "M_LIMIT_EXCEEDED", `At most ${MAX_PENDING_PER_USER} media IDs may wait for an upload at once`, {
        retry_after_ms: 60_000,
      });
    }
    const mediaId = newMediaId();
    const unusedExpiresAt = now + UNUSED_MEDIA_LIFETIME_MS;
    await insertMedia(this.db, {
      origin: this.serverName,
      mediaId,
      contentType: "application/octet-stream",
      filename: null,
      size: null,
      sha256: null,
      uploader,
      createdTs: now,
      unusedExpiresTs: unusedExpiresAt,
    });
    return { mediaId, unusedExpiresAt };
  }

  /** PUT /upload/{serverName}/{mediaId}: the bytes of a media ID made by `create`. */
  async uploadTo(uploader: string, serverName: string, mediaId: string, content: UploadContent): Promise<void> {
    const pending = serverName === this.serverName ? await selectMedia(this.db, serverName, mediaId) : null;
    // Checked before the body is read, so a refused request costs no disk.
    if (!pending || (pending.sha256 === null && pending.unusedExpiresTs !== null && pending.unusedExpiresTs <= this.now())) {
      throw notFound("Unknown media ID");
    }
    if (pending.uploader !== uploader) throw forbidden("Only the user who created this media ID may upload to it");
    if (pending.sha256 !== null) throw cannotOverwrite();
    const file = await this.receive(content);
    const done = await completePendingMedia(
      this.db,
      { origin: serverName, mediaId },
      { contentType: content.contentType, filename: content.filename, size: file.size, sha256: file.sha256 },
    );
    // Another upload to the same ID won the race; its bytes stay (they may be the same).
    if (!done) throw cannotOverwrite();
  }

  private async receive(content: UploadContent): Promise<StoredFile> {
    if (content.declaredLength !== null && content.declaredLength > this.maxUploadBytes) throw tooLargeUpload(this.maxUploadBytes);
    try {
      return await this.store.put(content.body, this.maxUploadBytes);
    } catch (err) {
      if (err instanceof FileTooLargeError) throw tooLargeUpload(this.maxUploadBytes);
      throw err;
    }
  }
}

const cannotOverwrite = () => new MatrixError(409, "M_CANNOT_OVERWRITE_MEDIA", "Media already uploaded");
