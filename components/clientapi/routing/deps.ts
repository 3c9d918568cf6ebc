import type Koa from "koa";
import type { Config } from "../../internal/config/types.js";
import type { Database } from "../../internal/database/database.js";
import type { Logger } from "../../internal/logging/logger.js";
import type { TokenLookup } from "../../internal/http/auth.js";
import { chain } from "../../internal/http/chain.js";
import type { Handler } from "../../internal/http/router.js";
import type { UserApi } from "../../userapi/api/userapi.js";
import type { RoomserverApi } from "../../roomserver/api/roomserver-api.js";
import type { InteractiveAuth } from "../auth/interactive-auth.js";
import type { EduPublisher } from "../edu-publisher.js";
import type { RoomHooks } from "../room-hooks.js";
import { translateRoomserverErrors } from "../roomserver-errors.js";
import type { RoomWriter } from "../rooms/room-writer.js";
import { translateUserApiErrors } from "../userapi-errors.js";

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
  /** Rate-limit middleware per class of route (see rate-limits.ts). */
  readonly limits: { readonly auth: Koa.Middleware; readonly write: Koa.Middleware };
}

/** A clientapi route handler behind its middleware, with userapi and roomserver failures rendered as Matrix errors. */
export function route(middleware: readonly Koa.Middleware[], handler: Handler): Handler {
  return chain([translateUserApiErrors, translateRoomserverErrors, ...middleware], handler);
}
