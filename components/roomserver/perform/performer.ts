import type * as q from "../api/perform.js";
import type { RoomserverPerformApi, RoomserverReaderApi, RoomserverWriterApi } from "../api/roomserver-api.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { queryAlias, removeAlias, setAlias } from "./aliases.js";
import { createRoom } from "./create-room.js";
import { RoomEventBuilder } from "../api/event-builder.js";
import { joinRoom } from "./join.js";
import { changeMembership } from "./membership.js";
import { answer } from "../api/perform-failure.js";
import { publishedRooms, publishRoom } from "./published-rooms.js";

/**
 * The roomserver's perform service: changes it makes itself, building events with the
 * server's signing key and inputting them like any writer, waiting for each verdict.
 * A failure the client should see comes back as the response's PerformError.
 */
export class RoomserverPerformer implements RoomserverPerformApi {
  private readonly builder: RoomEventBuilder;

  constructor(
    private readonly core: RoomserverCore,
    private readonly queries: RoomserverWriterApi & RoomserverReaderApi,
  ) {
    const { config, signingKey, log } = core.deps;
    this.builder = new RoomEventBuilder({ serverName: config.server_name, signingKey, log, writer: queries });
  }

  performCreateRoom(request: q.PerformCreateRoomRequest): Promise<q.PerformCreateRoomResponse> {
    return answer(
      () => createRoom(this.core, this.builder, request),
      (error) => ({ error, roomId: "", roomAlias: "" }),
    );
  }

  performJoin(request: q.PerformJoinRequest): Promise<q.PerformJoinResponse> {
    return answer(
      () => joinRoom(this.core.deps.db, this.builder, request),
      (error) => ({ error, roomId: "", eventId: "" }),
    );
  }

  performMembership(request: q.PerformMembershipRequest): Promise<q.PerformMembershipResponse> {
    return answer(
      () => changeMembership(this.builder, request),
      (error) => ({ error, eventId: "" }),
    );
  }

  performPublish(request: q.PerformPublishRequest): Promise<q.PerformPublishResponse> {
    return answer(
      async () => (await publishRoom(this.core, request), {}),
      (error) => ({ error }),
    );
  }

  performSetAlias(request: q.PerformSetAliasRequest): Promise<q.PerformSetAliasResponse> {
    const { db, config } = this.core.deps;
    return answer(
      async () => (await setAlias(db, this.queries, config.server_name, request), {}),
      (error) => ({ error }),
    );
  }

  performRemoveAlias(request: q.PerformRemoveAliasRequest): Promise<q.PerformRemoveAliasResponse> {
    const { db, logger } = this.core.deps;
    return answer(
      async () => (await removeAlias(db, this.builder, this.queries, logger, request), {}),
      (error) => ({ error }),
    );
  }

  queryAlias(request: q.QueryAliasRequest): Promise<q.QueryAliasResponse> {
    return queryAlias(this.core.deps.db, this.core.deps.config.server_name, request);
  }

  queryPublishedRooms(request: q.QueryPublishedRoomsRequest): Promise<q.QueryPublishedRoomsResponse> {
    return publishedRooms(this.core, this.queries, request);
  }
}
