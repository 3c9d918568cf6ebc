import { join } from "node:path";
import type { Component, ComponentDeps } from "../internal/component.js";
import { migrate } from "../internal/database/migrations.js";
import { rateLimit } from "../internal/http/rate-limit.js";
import { Router } from "../internal/http/router.js";
import { TypedRoutes } from "../internal/http/typed-routes.js";
import type { UserApi } from "../userapi/api/userapi.js";
import { LocalDirectoryStore } from "./files/local-directory-store.js";
import { addAdminRoutes } from "./routing/admin.js";
import { addConfigRoutes } from "./routing/config.js";
import type { MediaRouteDeps } from "./routing/deps.js";
import { addDownloadRoutes } from "./routing/download.js";
import { addLegacyRoutes } from "./routing/legacy.js";
import { addThumbnailRoutes } from "./routing/thumbnail.js";
import { addUploadRoutes } from "./routing/upload.js";
import { MEDIAAPI_MIGRATIONS } from "./storage/migrations.js";
import { Thumbnailer } from "./thumbnails/thumbnailer.js";
import { Uploads } from "./upload/uploads.js";

/** The peers the mediaapi calls (cli/components.ts hands them over). */
export interface MediaApiPeers {
  /** Access tokens, and who is an admin. */
  readonly userapi: () => UserApi;
}

/** Uploads are limited like the other writers: a burst, then a steady rate per user. */
const UPLOAD_RATE_LIMIT = { burst: 20, perSecond: 2 };

/**
 * The media repository: uploads, downloads and thumbnails of this server's media, with its
 * metadata in the database and the bytes in a content-addressed store (files/).
 */
export function createMediaApi(deps: ComponentDeps, peers: MediaApiPeers): Component {
  const { config } = deps;
  const store = new LocalDirectoryStore(config.media.base_path ?? join(config.data_dir, "media"));
  const routeDeps: MediaRouteDeps = {
    serverName: config.server_name,
    db: deps.db,
    store,
    uploads: new Uploads(deps.db, store, config.server_name, config.media.max_upload_bytes),
    thumbnailer: new Thumbnailer(deps.db, store),
    maxUploadBytes: config.media.max_upload_bytes,
    remote: null,
    userapi: peers.userapi,
    writeLimit: rateLimit(UPLOAD_RATE_LIMIT, config.rate_limit.enabled),
  };
  const router = new Router();
  const routes = new TypedRoutes(router, { lookupToken: (token) => peers.userapi().auth.queryAccessToken(token) });
  addConfigRoutes(routes, routeDeps);
  addUploadRoutes(routes, routeDeps);
  addDownloadRoutes(routes, routeDeps);
  addThumbnailRoutes(routes, routeDeps);
  addAdminRoutes(routes, routeDeps);
  addLegacyRoutes(router);
  return {
    name: "mediaapi",
    router,
    async start() {
      await migrate(deps.db, "mediaapi", MEDIAAPI_MIGRATIONS);
    },
  };
}
