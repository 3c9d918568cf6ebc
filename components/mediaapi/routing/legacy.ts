import type { Router } from "../../internal/http/router.js";
import { notFound } from "../../internal/http/matrix-error.js";

/**
 * The unauthenticated download and thumbnail endpoints of /_matrix/media/v3, deprecated since
 * spec v1.11. This server froze them from its start, as Synapse's enable_authenticated_media
 * does for media uploaded after it is switched on: every media item here is newer than the
 * freeze, so they answer 404 M_NOT_FOUND, which the spec allows and which tells clients to
 * use /_matrix/client/v1/media. Anyone knowing a media ID could otherwise fetch it without
 * an account.
 */
export function addLegacyRoutes(router: Router): void {
  const frozen = () => {
    throw notFound("Unauthenticated media access is frozen on this server: use /_matrix/client/v1/media");
  };
  router.get("/_matrix/media/v3/download/{serverName}/{mediaId}", frozen);
  router.get("/_matrix/media/v3/download/{serverName}/{mediaId}/{fileName}", frozen);
  router.get("/_matrix/media/v3/thumbnail/{serverName}/{mediaId}", frozen);
}
