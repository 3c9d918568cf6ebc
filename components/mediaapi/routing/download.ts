import { MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { uploadedMedia, waitFromQuery } from "../download/local-media.js";
import { sendStoredFile } from "../download/media-response.js";
import { isValidMediaId } from "../upload/media-id.js";
import type { MediaRouteDeps } from "./deps.js";

/**
 * GET /_matrix/client/v1/media/download/{serverName}/{mediaId}[/{fileName}], authenticated.
 * Media of other servers is 404 until federation media lands (deps.remote is its seam).
 */
export function addDownloadRoutes(routes: TypedRoutes, deps: MediaRouteDeps): void {
  for (const template of [
    "/_matrix/client/v1/media/download/{serverName}/{mediaId}",
    "/_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}",
  ] as const) {
    routes.get(template, { access: "guest" }, async ({ ctx, params }) => {
      const media = await localMedia(deps, params.serverName, params.mediaId, waitFromQuery(ctx.query.timeout_ms));
      const fileName = "fileName" in params ? (params as { fileName: string }).fileName : media.filename;
      await sendStoredFile(ctx, deps.store, { ...media, filename: fileName }, missingBytes);
    });
  }
}

/** A media item of this server with its bytes, or the error a client should see. */
export async function localMedia(deps: MediaRouteDeps, serverName: string, mediaId: string, waitMs: number) {
  if (!isValidMediaId(mediaId)) throw notFound("Media not found");
  if (serverName !== deps.serverName) {
    // No RemoteMediaFetcher is wired yet (federation media has not landed).
    if (!deps.remote) throw notFound("Media of other servers is not available from this server yet");
    throw notFound("Media not found");
  }
  return uploadedMedia(deps.db, serverName, mediaId, waitMs);
}

/** Metadata whose bytes are gone from the store: an operator removed files by hand. */
export const missingBytes = () => new MatrixError(404, "M_NOT_FOUND", "The media's file is missing from the store");
