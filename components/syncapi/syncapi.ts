import type { Component, ComponentDeps } from "../internal/component.js";
import { migrate } from "../internal/database/migrations.js";
import type { Consumer } from "../internal/eventlog/eventlog.js";
import { rateLimit } from "../internal/http/rate-limit.js";
import { Router } from "../internal/http/router.js";
import { TypedRoutes } from "../internal/http/typed-routes.js";
import type { UserApi } from "../userapi/api/userapi.js";
import { accountDataConsumer } from "./consumers/account-data.js";
import { keyChangesConsumer } from "./consumers/key-changes.js";
import { KeyCountsCache } from "./caches/key-counts.js";
import { presenceConsumer } from "./consumers/presence.js";
import { receiptsConsumer } from "./consumers/receipts.js";
import { roomEventsConsumer } from "./consumers/room-events.js";
import { sendToDeviceConsumer } from "./consumers/send-to-device.js";
import { startStoreConsumer } from "./consumers/store-consumer.js";
import { StreamWriter } from "./streams/stream-writer.js";
import { TypingExpiry, typingConsumer } from "./consumers/typing.js";
import { Notifier } from "./streams/notifier.js";
import { restoreStreams } from "./streams/restore.js";
import { PresencePublisher } from "./producers/presence.js";
import { sendingActivity } from "./presence/sending-activity.js";
import { addEventRoutes } from "./routing/context.js";
import type { SyncRouteDeps } from "./routing/deps.js";
import { addKeysChangesRoutes } from "./routing/keys-changes.js";
import { addMemberRoutes } from "./routing/members.js";
import { addLegacySyncRoutes } from "./routing/legacy-sync.js";
import { addMessagesRoutes } from "./routing/messages.js";
import { addPresenceRoutes } from "./routing/presence.js";
import { addRelationRoutes } from "./routing/relations.js";
import { addSendToDeviceRoutes } from "./routing/send-to-device.js";
import { addStateRoutes } from "./routing/state.js";
import { addSyncRoutes } from "./routing/sync.js";
import { SYNCAPI_MIGRATIONS } from "./storage/migrations.js";
import { SyncStore } from "./caches/sync-store.js";
import { EventFormatter } from "./sync/client-event.js";
import { LazyMemberCache } from "./sync/lazy-members.js";
import { SyncBuilder } from "./sync/sync-builder.js";
import { SyncHandler } from "./sync/sync-handler.js";

/** The peers the syncapi calls (cli/components.ts hands them over). */
export interface SyncApiPeers {
  /** Access tokens, stored filters, the devices a to-device message for "*" reaches, and key counts. */
  readonly userapi: () => UserApi;
}

/** Writes here are limited like the clientapi's: presence and to-device sends. */
const WRITE_RATE_LIMIT = { burst: 50, perSecond: 10 };

/**
 * The client API readers: consumes the room and ephemeral logs into its own stream-ordered
 * store and serves /sync (long-poll), room history, state, presence and send-to-device.
 */
export function createSyncApi(deps: ComponentDeps, peers: SyncApiPeers): Component {
  const store = new SyncStore(deps.db);
  const notifier = new Notifier();
  const formatter = new EventFormatter(store.events);
  const presence = new PresencePublisher(deps.log, deps.db);
  const keyCounts = new KeyCountsCache((userId, deviceId) => peers.userapi().keys.keyCounts(userId, deviceId));
  const sync = new SyncHandler(
    store,
    notifier,
    new SyncBuilder(store, formatter, new LazyMemberCache(), (userId, deviceId) => keyCounts.of(userId, deviceId)),
    presence,
  );
  const writer = new StreamWriter(deps.db, notifier);
  const typingExpiry = new TypingExpiry(store, writer);
  const routeDeps: SyncRouteDeps = {
    store,
    notifier,
    formatter,
    sync,
    presence,
    log: deps.log,
    userApi: peers.userapi,
    writeLimit: rateLimit(WRITE_RATE_LIMIT, deps.config.rate_limit.enabled),
  };
  const router = new Router();
  const routes = new TypedRoutes(router, { lookupToken: (token) => peers.userapi().auth.queryAccessToken(token) });
  addSyncRoutes(routes, routeDeps);
  addMessagesRoutes(routes, routeDeps);
  addLegacySyncRoutes(routes, routeDeps);
  addEventRoutes(routes, routeDeps);
  addMemberRoutes(routes, routeDeps);
  addStateRoutes(routes, routeDeps);
  addRelationRoutes(routes, routeDeps);
  addPresenceRoutes(routes, routeDeps);
  addSendToDeviceRoutes(routes, routeDeps);
  addKeysChangesRoutes(routes, routeDeps);

  const consumerDeps = { log: deps.log, writer, logger: deps.logger };
  const startConsumers = () => [
    startStoreConsumer(consumerDeps, roomEventsConsumer(store, sendingActivity(deps.config.server_name, presence, deps.logger))),
    startStoreConsumer(consumerDeps, typingConsumer(store, typingExpiry)),
    startStoreConsumer(consumerDeps, receiptsConsumer(store)),
    startStoreConsumer(consumerDeps, sendToDeviceConsumer(store, peers.userapi, deps.config.server_name)),
    startStoreConsumer(consumerDeps, accountDataConsumer(store)),
    startStoreConsumer(consumerDeps, presenceConsumer()),
    startStoreConsumer(consumerDeps, keyChangesConsumer(keyCounts)),
  ];
  let consumers: Consumer[] = [];
  return {
    name: "syncapi",
    router,
    async start() {
      await migrate(deps.db, "syncapi", SYNCAPI_MIGRATIONS);
      await restoreStreams(deps.db, notifier, store);
      await typingExpiry.restore();
      consumers = await Promise.all(startConsumers());
    },
    async stop() {
      notifier.wakeAll();
      typingExpiry.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      consumers = [];
    },
  };
}
