import type { Queryable } from "../../internal/database/database.js";

/** A thumbnail generated for a media item, stored in the file store like any media. */
export interface ThumbnailRow {
  origin: string;
  mediaId: string;
  width: number;
  height: number;
  method: "crop" | "scale";
  animated: boolean;
  contentType: string;
  size: number;
  sha256: string;
  createdTs: number;
}

type Raw = {
  origin: string;
  media_id: string;
  width: number;
  height: number;
  method: "crop" | "scale";
  animated: boolean;
  content_type: string;
  size: number;
  sha256: string;
  created_ts: number;
};

const toRow = (r: Raw): ThumbnailRow => ({
  origin: r.origin,
  mediaId: r.media_id,
  width: r.width,
  height: r.height,
  method: r.method,
  animated: r.animated,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  createdTs: Number(r.created_ts),
});

/** Stores a thumbnail; one generated concurrently by another request for the same size wins quietly. */
export async function insertThumbnail(q: Queryable, t: ThumbnailRow): Promise<void> {
  await q.execute(
    `INSERT INTO mediaapi_thumbnails (origin, media_id, width, height, method, animated, content_type, size, sha256, created_ts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [t.origin, t.mediaId, t.width, t.height, t.method, t.animated, t.contentType, t.size, t.sha256, t.createdTs],
  );
}

export async function selectThumbnail(
  q: Queryable,
  key: { origin: string; mediaId: string; width: number; height: number; method: string; animated: boolean },
): Promise<ThumbnailRow | null> {
  const [row] = await q.query<Raw>(
    `SELECT * FROM mediaapi_thumbnails
     WHERE origin = $1 AND media_id = $2 AND width = $3 AND height = $4 AND method = $5 AND animated = $6`,
    [key.origin, key.mediaId, key.width, key.height, key.method, key.animated],
  );
  return row ? toRow(row) : null;
}

/** Removes a media item's thumbnails and returns them, so their files can be released. */
export async function deleteThumbnails(q: Queryable, origin: string, mediaId: string): Promise<ThumbnailRow[]> {
  const rows = await q.query<Raw>("DELETE FROM mediaapi_thumbnails WHERE origin = $1 AND media_id = $2 RETURNING *", [origin, mediaId]);
  return rows.map(toRow);
}

export async function thumbnailsUseFile(q: Queryable, sha256: string): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM mediaapi_thumbnails WHERE sha256 = $1 LIMIT 1", [sha256]);
  return rows.length > 0;
}
