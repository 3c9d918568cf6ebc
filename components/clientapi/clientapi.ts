import type { Component, ComponentDeps } from "../internal/component.js";
import { rateLimit, RequestRateLimit } from "../internal/http/rate-limit.js";
import { migrate } from "../internal/database/migrations.js";
import { Router } from "../internal/http/router.js";
import { RoomEventBuilder } from "../roomserver/api/event-builder.js";
import type { RoomserverApi } from "../roomserver/api/roomserver-api.js";
import type { UserApi } from "../userapi/api/userapi.js";
import { InteractiveAuth } from "./auth/interactive-auth.js";
import { EduPublisher } from "./producers/edu-publisher.js";
import { AUTH_RATE_LIMIT, WRITE_RATE_LIMIT } from "./routing/rate-limits.js";
import { roomHooks } from "./rooms/room-hooks.js";
import { RoomWriter } from "./rooms/room-writer.js";
import { addAccountRoutes } from "./routing/account.js";
import { addAccountDataRoutes } from "./routing/account-data.js";
import { addCapabilitiesRoutes } from "./routing/capabilities.js";
import { addCreateRoomRoutes } from "./routing/create-room.js";
import { addCrossSigningRoutes } from "./routing/cross-signing.js";
import { clientRoutes, type RouteDeps } from "./routing/deps.js";
import { addDeviceRoutes } from "./routing/devices.js";
import { addDirectoryRoutes } from "./routing/directory.js";
import { addFilterRoutes } from "./routing/filters.js";
import { addKeyBackupRoutes } from "./routing/key-backup.js";
import { addKeysRoutes } from "./routing/keys.js";
import { addLoginRoutes } from "./routing/login.js";
import { addMembershipRoutes } from "./routing/membership.js";
import { addProfileRoutes } from "./routing/profile.js";
import { addPushRulesRoutes } from "./routing/push-rules.js";
import { addReceiptRoutes } from "./routing/receipts.js";
import { addRegisterRoutes } from "./routing/register.js";
import { addRoomEventRoutes } from "./routing/room-events.js";
import { addRoomStateRoutes } from "./routing/room-state.js";
import { addSharedSecretRegisterRoutes } from "./routing/shared-secret-register.js";
import { addTypingRoutes } from "./routing/typing.js";
import { addUpgradeRoutes } from "./routing/upgrade.js";
import { addVersionsRoutes } from "./routing/versions.js";
import { addWellKnownRoutes } from "./routing/well-known.js";
import { CLIENTAPI_MIGRATIONS } from "./storage/migrations.js";

/** The peers the clientapi calls (cli/components.ts hands them over). */
export interface ClientApiPeers {
  readonly userapi: () => UserApi;
  readonly roomserver: () => RoomserverApi;
}

/** The client-server API writers, and the discovery endpoints clients call first. */
export function createClientApi(deps: ComponentDeps, peers: ClientApiPeers): Component {
  const { config, logger } = deps;
  // Events are built here from the roomserver's build info and signed with this server's key.
  const builder = new RoomEventBuilder({
    serverName: config.server_name,
    signingKey: deps.signingKey,
    log: deps.log,
    writer: { queryBuildInfo: (request) => peers.roomserver().queryBuildInfo(request) },
  });
  // Logins, registrations and the password stages of user-interactive auth share one allowance.
  const logins = new RequestRateLimit(AUTH_RATE_LIMIT, config.rate_limit.enabled);
  const routeDeps: RouteDeps = {
    config,
    logger,
    userApi: peers.userapi,
    roomserver: peers.roomserver,
    lookupToken: (token) => peers.userapi().auth.queryAccessToken(token),
    interactiveAuth: new InteractiveAuth(peers.userapi, config.server_name, logins),
    rooms: roomHooks(
      peers.roomserver,
      () => peers.userapi().profiles,
      builder,
      logger,
      () => peers.userapi().accounts,
    ),
    writer: new RoomWriter(builder),
    db: deps.db,
    edus: new EduPublisher(deps.log),
    limits: {
      auth: logins.middleware,
      write: rateLimit(WRITE_RATE_LIMIT, config.rate_limit.enabled),
    },
  };
  const router = new Router();
  const routes = clientRoutes(router, routeDeps.lookupToken);
  addVersionsRoutes(routes);
  addWellKnownRoutes(routes, config);
  addCapabilitiesRoutes(routes, routeDeps);
  addRegisterRoutes(routes, routeDeps);
  addSharedSecretRegisterRoutes(routes, routeDeps);
  addLoginRoutes(routes, routeDeps);
  addAccountRoutes(routes, routeDeps);
  addDeviceRoutes(routes, routeDeps);
  addProfileRoutes(routes, routeDeps);
  addAccountDataRoutes(routes, routeDeps);
  addFilterRoutes(routes, routeDeps);
  addPushRulesRoutes(routes, routeDeps);
  addCreateRoomRoutes(routes, routeDeps);
  addMembershipRoutes(routes, routeDeps);
  addRoomEventRoutes(routes, routeDeps);
  addRoomStateRoutes(routes, routeDeps);
  addDirectoryRoutes(routes, routeDeps);
  addTypingRoutes(routes, routeDeps);
  addReceiptRoutes(routes, routeDeps);
  addUpgradeRoutes(routes, routeDeps);
  addKeyBackupRoutes(routes, routeDeps);
  addKeysRoutes(routes, routeDeps);
  addCrossSigningRoutes(routes, routeDeps);
  return {
    name: "clientapi",
    router,
    async start() {
      await migrate(deps.db, "clientapi", CLIENTAPI_MIGRATIONS);
    },
  };
}
