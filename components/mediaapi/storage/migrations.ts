import type { Migration } from "../../internal/database/migrations.js";

/**
 * The media repository's metadata. The bytes live in the content-addressed file store
 * (files/), keyed by their SHA-256, which these rows name; many rows may name one file.
 */
export const MEDIAAPI_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "media metadata and thumbnails",
    up: `
CREATE TABLE mediaapi_media (
  origin TEXT NOT NULL,
  media_id TEXT NOT NULL,
  content_type TEXT NOT NULL,
  filename TEXT,
  -- NULL while an asynchronous upload (POST /create) waits for its bytes
  size BIGINT,
  sha256 TEXT,
  uploader TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  -- when a media ID made by /create and never uploaded to stops being usable
  unused_expires_ts BIGINT,
  PRIMARY KEY (origin, media_id)
);
CREATE INDEX mediaapi_media_sha256 ON mediaapi_media (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX mediaapi_media_pending ON mediaapi_media (uploader) WHERE sha256 IS NULL;

CREATE TABLE mediaapi_thumbnails (
  origin TEXT NOT NULL,
  media_id TEXT NOT NULL,
  width INT NOT NULL,
  height INT NOT NULL,
  method TEXT NOT NULL,
  animated BOOLEAN NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (origin, media_id, width, height, method, animated)
);
CREATE INDEX mediaapi_thumbnails_sha256 ON mediaapi_thumbnails (sha256);
`,
  },
];
