import { setTimeout as sleep } from "node:timers/promises";
import type { Database } from "../../internal/database/database.js";
import { MatrixError, notFound } from "../../internal/http/matrix-error.js";
import { selectMedia, type MediaRow } from "../storage/media.js";

/** How long a download waits for an asynchronous upload by default, and at most. */
export const DEFAULT_WAIT_MS = 20_000;
export const MAX_WAIT_MS = 60_000;
/** How often a waiting download looks again; the upload may land on another replica. */
const POLL_MS = 250;

export type UploadedMedia = MediaRow & { sha256: string; size: number };

/**
 * A media item of this server with its bytes: 404 M_NOT_FOUND when unknown or when a
 * /create'd ID expired unused; for one still waiting for its bytes, waits up to `waitMs`
 * (the request's timeout_ms), then 504 M_NOT_YET_UPLOADED, as the spec says.
 */
export async function uploadedMedia(
  db: Database,
  origin: string,
  mediaId: string,
  waitMs: number,
  now: () => number = Date.now,
): Promise<UploadedMedia> {
  const deadline = now() + waitMs;
  for (;;) {
    const row = await selectMedia(db, origin, mediaId);
    if (!row) throw notFound("Media not found");
    if (row.sha256 !== null && row.size !== null) return row as UploadedMedia;
    if (row.unusedExpiresTs !== null && row.unusedExpiresTs <= now()) throw notFound("Media not found");
    if (now() >= deadline) throw new MatrixError(504, "M_NOT_YET_UPLOADED", "Content has not yet been uploaded");
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - now())));
  }
}

/** The request's `timeout_ms`, bounded; a value that is not a whole number is refused. */
export function waitFromQuery(value: string | string[] | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_MS;
  if (typeof value !== "string" || !/^\d{1,9}$/.test(value)) {
    throw new MatrixError(400, "M_INVALID_PARAM", "timeout_ms must be a whole number of milliseconds");
  }
  return Math.min(Number(value), MAX_WAIT_MS);
}
