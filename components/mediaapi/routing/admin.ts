import { forbidden, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { deleteMediaItem } from "../admin/delete-media.js";
import type { MediaRouteDeps } from "./deps.js";

/**
 * DELETE /_synapse/admin/v1/media/{serverName}/{mediaId}: an admin removes a media item.
 * Synapse's path and answer, as the project's other admin route (shared-secret
 * registration) is Synapse's, so admin tools written for Synapse work here.
 */
export function addAdminRoutes(routes: TypedRoutes, deps: MediaRouteDeps): void {
  routes.delete("/_synapse/admin/v1/media/{serverName}/{mediaId}", { access: "user" }, async ({ ctx, user, params }) => {
    const admins = await deps.userapi().accounts.adminsAmong([user.userId]);
    if (!admins.includes(user.userId)) throw forbidden("You are not a server admin");
    if (params.serverName !== deps.serverName || !(await deleteMediaItem(deps.db, deps.store, params.serverName, params.mediaId))) {
      throw notFound("Media not found");
    }
    ctx.body = { deleted_media: [params.mediaId], total: 1 };
  });
}
