import type { Component, ComponentDeps } from "../internal/component.js";
import { Router } from "../internal/http/router.js";
import { TypedRoutes } from "../internal/http/typed-routes.js";
import { OwnKeys, readOldVerifyKeys } from "./keys/own-keys.js";
import { addKeyServerRoutes } from "./routing/keys.js";
import { addVersionRoutes } from "./routing/version.js";

/** The server-server API, in and out. */
export function createFederationApi(deps: ComponentDeps): Component {
  const { config } = deps;
  const router = new Router();
  // Federation requests carry X-Matrix signatures, never access tokens: no route here looks one up.
  const routes = new TypedRoutes(router, { lookupToken: () => Promise.resolve(null) });
  const ownKeys = new OwnKeys({
    serverName: config.server_name,
    signingKey: deps.signingKey,
    oldVerifyKeys: readOldVerifyKeys(config.federation.old_verify_keys_path),
    validityMs: config.federation.key_validity_ms,
  });
  addVersionRoutes(router);
  addKeyServerRoutes(routes, ownKeys);
  return { name: "federationapi", router };
}
