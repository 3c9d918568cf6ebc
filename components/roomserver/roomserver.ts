import type { Component, ComponentDeps } from "../internal/component.js";
import { migrate } from "../internal/database/migrations.js";
import { bindApi } from "./api/bind.js";
import type { RoomserverApi } from "./api/roomserver-api.js";
import { createRoomserverCore } from "./core/roomserver-core.js";
import { roomserverGrpcServices } from "./grpc/server.js";
import { RoomserverPerformer } from "./perform/performer.js";
import { RoomserverQueries } from "./query/queries.js";
import { ROOMSERVER_MIGRATIONS } from "./storage/migrations.js";
import { inTransaction } from "./storage/unit-of-work.js";

/** The roomserver component: its storage, input consumer, queries and perform services. */
export function createRoomserver(deps: ComponentDeps): Component & { api: RoomserverApi } {
  const { core, input, redactions } = createRoomserverCore(deps);
  const queries = new RoomserverQueries(core);
  const performer = new RoomserverPerformer(core, queries);
  const api: RoomserverApi = bindApi(queries, performer);
  return {
    name: "roomserver",
    api,
    grpcServices: roomserverGrpcServices(api),
    async start() {
      await migrate(deps.db, "roomserver", ROOMSERVER_MIGRATIONS);
      await inTransaction(deps.db, (uow) => redactions.load(uow));
      await input.start();
    },
    async stop() {
      await input.stop();
    },
  };
}
