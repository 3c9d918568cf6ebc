import type Koa from "koa";
import type { Config } from "../../internal/config/types.js";
import type { Database } from "../../internal/database/database.js";
import type { Logger } from "../../internal/logging/logger.js";
import type { TokenLookup } from "../../internal/http/auth.js";
import type { Router } from "../../internal/http/router.js";
import { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { UserApi } from "../../userapi/api/userapi.js";
import type { RoomserverApi } from "../../roomserver/api/roomserver-api.js";
import type { InteractiveAuth } from "../auth/interactive-auth.js";
import type { EduPublisher } from "../producers/edu-publisher.js";
import type { RoomHooks } from "../rooms/room-hooks.js";
import { translateRoomserverErrors } from "../errors/roomserver-errors.js";
import type { RoomWriter } from "../rooms/room-writer.js";
import { translateUserApiErrors } from "../errors/userapi-errors.js";

/** What the clientapi's route modules are built from. */
export interface RouteDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** The userapi: in-process in the monolith, a gRPC client in the polylith. */
  readonly userApi: () => UserApi;
  readonly lookupToken: TokenLookup;
  readonly interactiveAuth: InteractiveAuth;
  /** Where account changes reach the user's rooms (profile changes, deactivation). */
  readonly rooms: RoomHooks;
  /** The roomserver: in-process in the monolith, a gRPC client in the polylith. */
  readonly roomserver: () => RoomserverApi;
  /** Builds, checks and sends the events clients ask for. */
  readonly writer: RoomWriter;
  /** The clientapi's own tables (storage/). */
  readonly db: Database;
  /** Where typing, receipts and account data changes are announced to readers. */
  readonly edus: EduPublisher;
  /** Rate-limit middleware per class of route (see rate-limits.ts), run after authentication. */
  readonly limits: { readonly auth: Koa.Middleware; readonly write: Koa.Middleware };
}

/** The clientapi's routes: every one renders userapi and roomserver failures as Matrix errors. */
export function clientRoutes(router: Router, lookupToken: TokenLookup): TypedRoutes {
  return new TypedRoutes(router, { lookupToken, around: [translateUserApiErrors, translateRoomserverErrors] });
}
