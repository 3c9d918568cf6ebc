import type { Queryable } from "../../internal/database/database.js";

/** One media item: its metadata and, once uploaded, the SHA-256 of its bytes in the file store. */
export interface MediaRow {
  origin: string;
  mediaId: string;
  contentType: string;
  filename: string | null;
  /** null while an asynchronous upload waits for its bytes. */
  size: number | null;
  sha256: string | null;
  uploader: string;
  createdTs: number;
  /** Set only for a media ID from POST /create that has no bytes yet. */
  unusedExpiresTs: number | null;
}

type Raw = {
  origin: string;
  media_id: string;
  content_type: string;
  filename: string | null;
  size: number | null;
  sha256: string | null;
  uploader: string;
  created_ts: number;
  unused_expires_ts: number | null;
};

const toRow = (r: Raw): MediaRow => ({
  origin: r.origin,
  mediaId: r.media_id,
  contentType: r.content_type,
  filename: r.filename,
  size: r.size === null ? null : Number(r.size),
  sha256: r.sha256,
  uploader: r.uploader,
  createdTs: Number(r.created_ts),
  unusedExpiresTs: r.unused_expires_ts === null ? null : Number(r.unused_expires_ts),
});

export async function insertMedia(q: Queryable, row: MediaRow): Promise<void> {
  await q.execute(
    `INSERT INTO mediaapi_media (origin, media_id, content_type, filename, size, sha256, uploader, created_ts, unused_expires_ts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [row.origin, row.mediaId, row.contentType, row.filename, row.size, row.sha256, row.uploader, row.createdTs, row.unusedExpiresTs],
  );
}

export async function selectMedia(q: Queryable, origin: string, mediaId: string): Promise<MediaRow | null> {
  const [row] = await q.query<Raw>("SELECT * FROM mediaapi_media WHERE origin = $1 AND media_id = $2", [origin, mediaId]);
  return row ? toRow(row) : null;
}

/**
 * Gives a pending media ID (from POST /create) its bytes; false when it has them already,
 * so two racing uploads cannot both win.
 */
export async function completePendingMedia(
  q: Queryable,
  key: { origin: string; mediaId: string },
  content: { contentType: string; filename: string | null; size: number; sha256: string },
): Promise<boolean> {
  const changed = await q.execute(
    `UPDATE mediaapi_media SET content_type = $3, filename = $4, size = $5, sha256 = $6, unused_expires_ts = NULL
     WHERE origin = $1 AND media_id = $2 AND sha256 IS NULL`,
    [key.origin, key.mediaId, content.contentType, content.filename, content.size, content.sha256],
  );
  return changed === 1;
}

/** Media IDs a user made with POST /create that have neither bytes nor expired yet. */
export async function countPendingMedia(q: Queryable, uploader: string, now: number): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM mediaapi_media WHERE uploader = $1 AND sha256 IS NULL AND unused_expires_ts > $2",
    [uploader, now],
  );
  return Number(row!.n);
}

export async function deleteMedia(q: Queryable, origin: string, mediaId: string): Promise<MediaRow | null> {
  const [row] = await q.query<Raw>("DELETE FROM mediaapi_media WHERE origin = $1 AND media_id = $2 RETURNING *", [origin, mediaId]);
  return row ? toRow(row) : null;
}

/** Whether any media item still names these bytes (a file is removed only when none does). */
export async function mediaUsesFile(q: Queryable, sha256: string): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM mediaapi_media WHERE sha256 = $1 LIMIT 1", [sha256]);
  return rows.length > 0;
}
