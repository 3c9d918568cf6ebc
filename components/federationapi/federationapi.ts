import { readFileSync } from "node:fs";
import type { Component, ComponentDeps } from "../internal/component.js";
import { parseTrustedKeyServer } from "../internal/config/values.js";
import { migrate } from "../internal/database/migrations.js";
import { Router } from "../internal/http/router.js";
import { TypedRoutes } from "../internal/http/typed-routes.js";
import type { FederationApi } from "./api/keys.js";
import { DirectKeyFetcher, NotaryKeyFetcher, notaryOf } from "./keys/key-fetchers.js";
import { KeyRing } from "./keys/key-ring.js";
import { Notary } from "./keys/notary.js";
import { OwnKeys, readOldVerifyKeys } from "./keys/own-keys.js";
import { FederationClient } from "./requests/federation-client.js";
import { HttpsClient } from "./requests/https-client.js";
import { addKeyServerRoutes } from "./routing/keys.js";
import { addVersionRoutes } from "./routing/version.js";
import { addWellKnownServerRoute } from "./routing/well-known.js";
import { FEDERATIONAPI_MIGRATIONS } from "./storage/migrations.js";

/** The server-server API, in and out. */
export function createFederationApi(deps: ComponentDeps): Component {
  const { config } = deps;
  const federation = config.federation;
  const oldVerifyKeys = readOldVerifyKeys(federation.old_verify_keys_path);
  const client = new FederationClient(
    new HttpsClient({
      ca: federation.tls_ca_path === null ? undefined : readFileSync(federation.tls_ca_path),
      allowPrivateDestinations: federation.allow_private_destinations,
      timeoutMs: federation.request_timeout_ms,
    }),
  );
  // The config was validated, so every entry parses.
  const notaries = federation.trusted_key_servers.map((entry) => notaryOf(parseTrustedKeyServer(entry)!));
  const keyRing = new KeyRing({
    db: deps.db,
    logger: deps.logger.child({ part: "key-ring" }),
    ownServerName: config.server_name,
    ownSigningKey: deps.signingKey,
    ownOldVerifyKeys: oldVerifyKeys,
    fetchers: [new DirectKeyFetcher(client), ...notaries.map((notary) => new NotaryKeyFetcher(client, notary))],
  });
  const ownKeys = new OwnKeys({
    serverName: config.server_name,
    signingKey: deps.signingKey,
    oldVerifyKeys,
    validityMs: federation.key_validity_ms,
  });

  const router = new Router();
  // Federation requests carry X-Matrix signatures, never access tokens: no route here looks one up.
  const routes = new TypedRoutes(router, { lookupToken: () => Promise.resolve(null) });
  addVersionRoutes(router);
  addKeyServerRoutes(routes, ownKeys, new Notary(keyRing, ownKeys));
  addWellKnownServerRoute(routes, federation.well_known_server);
  const api: FederationApi = { keyRing };
  return {
    name: "federationapi",
    router,
    api,
    async start() {
      await migrate(deps.db, "federationapi", FEDERATIONAPI_MIGRATIONS);
    },
  };
}
