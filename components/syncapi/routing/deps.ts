import type { EventLog } from "../../internal/eventlog/eventlog.js";
import type { UserApi } from "../../userapi/api/userapi.js";
import type { Notifier } from "../streams/notifier.js";
import type { PresencePublisher } from "../producers/presence.js";
import type { SyncStore } from "../caches/sync-store.js";
import type { EventFormatter } from "../sync/client-event.js";
import type { SyncHandler } from "../sync/sync-handler.js";
import type Koa from "koa";

/** What the syncapi's route modules are built from. */
export interface SyncRouteDeps {
  readonly store: SyncStore;
  readonly notifier: Notifier;
  readonly formatter: EventFormatter;
  readonly sync: SyncHandler;
  readonly presence: PresencePublisher;
  readonly log: EventLog;
  readonly userApi: () => UserApi;
  readonly writeLimit: Koa.Middleware;
}
