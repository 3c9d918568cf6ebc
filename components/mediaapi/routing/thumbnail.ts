import { MatrixError } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { waitFromQuery } from "../download/local-media.js";
import { sendStoredFile } from "../download/media-response.js";
import { nearestSize, type ThumbnailMethod } from "../thumbnails/sizes.js";
import type { MediaRouteDeps } from "./deps.js";
import { localMedia, missingBytes } from "./download.js";

/** GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}?width&height&method&animated. */
export function addThumbnailRoutes(routes: TypedRoutes, deps: MediaRouteDeps): void {
  routes.get("/_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}", { access: "guest" }, async ({ ctx, params }) => {
    const width = dimension(ctx.query.width, "width");
    const height = dimension(ctx.query.height, "height");
    const method = thumbnailMethod(ctx.query.method);
    const animated = booleanParam(ctx.query.animated, "animated");
    const media = await localMedia(deps, params.serverName, params.mediaId, waitFromQuery(ctx.query.timeout_ms));
    const thumbnail = await deps.thumbnailer.thumbnail(media, nearestSize(width, height, method), animated);
    await sendStoredFile(ctx, deps.store, thumbnail, missingBytes);
  });
}

const badParam = (message: string) => new MatrixError(400, "M_INVALID_PARAM", message);

function dimension(value: string | string[] | undefined, name: string): number {
  if (value === undefined) throw new MatrixError(400, "M_MISSING_PARAM", `${name} is required`);
  if (typeof value !== "string" || !/^\d{1,5}$/.test(value) || Number(value) === 0)
    throw badParam(`${name} must be a positive whole number`);
  return Number(value);
}

function thumbnailMethod(value: string | string[] | undefined): ThumbnailMethod {
  if (value === undefined) return "scale";
  if (value === "crop" || value === "scale") return value;
  throw badParam('method must be "crop" or "scale"');
}

function booleanParam(value: string | string[] | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (value === "true" || value === "false") return value === "true";
  throw badParam(`${name} must be true or false`);
}
