import type { Component, ComponentDeps } from "../internal/component.js";
import { rateLimit } from "../internal/http/rate-limit.js";
import { Router } from "../internal/http/router.js";
import type { UserApi } from "../userapi/api/userapi.js";
import { InteractiveAuth } from "./auth/interactive-auth.js";
import { AUTH_RATE_LIMIT, WRITE_RATE_LIMIT } from "./rate-limits.js";
import { ROOMS_NOT_CONNECTED } from "./room-hooks.js";
import { addAccountRoutes } from "./routing/account.js";
import { addAccountDataRoutes } from "./routing/account-data.js";
import { addCapabilitiesRoutes } from "./routing/capabilities.js";
import type { RouteDeps } from "./routing/deps.js";
import { addDeviceRoutes } from "./routing/devices.js";
import { addFilterRoutes } from "./routing/filters.js";
import { addLoginRoutes } from "./routing/login.js";
import { addProfileRoutes } from "./routing/profile.js";
import { addPushRulesRoutes } from "./routing/push-rules.js";
import { addRegisterRoutes } from "./routing/register.js";
import { addSharedSecretRegisterRoutes } from "./routing/shared-secret-register.js";
import { addVersionsRoutes } from "./routing/versions.js";
import { addWellKnownRoutes } from "./routing/well-known.js";

/** The peers the clientapi calls (cli/components.ts hands them over). */
export interface ClientApiPeers {
  readonly userapi: () => UserApi;
}

/** The client-server API writers, and the discovery endpoints clients call first. */
export function createClientApi(deps: ComponentDeps, peers: ClientApiPeers): Component {
  const { config } = deps;
  const routeDeps: RouteDeps = {
    config,
    userApi: peers.userapi,
    lookupToken: (token) => peers.userapi().auth.queryAccessToken(token),
    interactiveAuth: new InteractiveAuth(peers.userapi, config.server_name),
    rooms: ROOMS_NOT_CONNECTED,
    limits: {
      auth: rateLimit(AUTH_RATE_LIMIT, config.rate_limit.enabled),
      write: rateLimit(WRITE_RATE_LIMIT, config.rate_limit.enabled),
    },
  };
  const router = new Router();
  addVersionsRoutes(router);
  addWellKnownRoutes(router, config);
  addCapabilitiesRoutes(router, routeDeps);
  addRegisterRoutes(router, routeDeps);
  addSharedSecretRegisterRoutes(router, routeDeps);
  addLoginRoutes(router, routeDeps);
  addAccountRoutes(router, routeDeps);
  addDeviceRoutes(router, routeDeps);
  addProfileRoutes(router, routeDeps);
  addAccountDataRoutes(router, routeDeps);
  addFilterRoutes(router, routeDeps);
  addPushRulesRoutes(router, routeDeps);
  return { name: "clientapi", router };
}
