import type { Database } from "../../internal/database/database.js";
import type Koa from "koa";
import type { RemoteMediaFetcher } from "../api/mediaapi.js";
import type { MediaStore } from "../files/media-store.js";
import type { Thumbnailer } from "../thumbnails/thumbnailer.js";
import type { Uploads } from "../upload/uploads.js";
import type { UserApi } from "../../userapi/api/userapi.js";

/** What the mediaapi's routes are built from (mediaapi.ts makes it). */
export interface MediaRouteDeps {
  readonly serverName: string;
  readonly db: Database;
  readonly store: MediaStore;
  readonly uploads: Uploads;
  readonly thumbnailer: Thumbnailer;
  readonly maxUploadBytes: number;
  /** Media of other servers; absent until federation media lands (their media is then 404). */
  readonly remote: RemoteMediaFetcher | null;
  /** Who is an admin (the admin routes). */
  readonly userapi: () => UserApi;
  /** Limits uploads per user like the other writers' limits. */
  readonly writeLimit: Koa.Middleware;
}
