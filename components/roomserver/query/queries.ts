import type * as q from "../api/queries.js";
import type { RoomserverReaderApi, RoomserverWriterApi } from "../api/roomserver-api.js";
import type { RoomserverCore } from "../core/roomserver-core.js";
import { queryBuildInfo } from "./build-info.js";
import { queryAuthChain, queryMissingEvents, queryServerAllowedToSeeEvent } from "./federation.js";
import { queryMessageHistory } from "./history.js";
import { queryMembers, queryMembership, queryRoomInfo, queryRoomsForUser, queryServerInRoom } from "./membership.js";
import { queryCurrentState, queryEventsById, queryStateAfterEvents } from "./state.js";

/**
 * The roomserver's query services in-process: each method hands its request to the
 * function of its concern (build info, state, membership, federation, history). They all
 * read committed rows and the stores' caches and never write.
 */
export class RoomserverQueries implements RoomserverWriterApi, RoomserverReaderApi {
  constructor(private readonly core: RoomserverCore) {}

  queryBuildInfo(request: q.QueryBuildInfoRequest): Promise<q.QueryBuildInfoResponse> {
    return queryBuildInfo(this.core, request);
  }

  queryEventsById(request: q.QueryEventsByIdRequest): Promise<q.QueryEventsByIdResponse> {
    return queryEventsById(this.core, request);
  }

  queryStateAfterEvents(request: q.QueryStateAfterEventsRequest): Promise<q.QueryStateAfterEventsResponse> {
    return queryStateAfterEvents(this.core, request);
  }

  queryCurrentState(request: q.QueryCurrentStateRequest): Promise<q.QueryCurrentStateResponse> {
    return queryCurrentState(this.core, request);
  }

  queryMembership(request: q.QueryMembershipRequest): Promise<q.QueryMembershipResponse> {
    return queryMembership(this.core, request);
  }

  queryMembers(request: q.QueryMembersRequest): Promise<q.QueryMembersResponse> {
    return queryMembers(this.core, request);
  }

  queryRoomsForUser(request: q.QueryRoomsForUserRequest): Promise<q.QueryRoomsForUserResponse> {
    return queryRoomsForUser(this.core, request);
  }

  queryRoomInfo(request: q.QueryRoomInfoRequest): Promise<q.QueryRoomInfoResponse> {
    return queryRoomInfo(this.core, request);
  }

  queryAuthChain(request: q.QueryAuthChainRequest): Promise<q.QueryAuthChainResponse> {
    return queryAuthChain(this.core, request);
  }

  queryMissingEvents(request: q.QueryMissingEventsRequest): Promise<q.QueryMissingEventsResponse> {
    return queryMissingEvents(this.core, request);
  }

  queryServerAllowedToSeeEvent(request: q.QueryServerAllowedToSeeEventRequest): Promise<q.QueryServerAllowedToSeeEventResponse> {
    return queryServerAllowedToSeeEvent(this.core, request);
  }

  queryServerInRoom(request: q.QueryServerInRoomRequest): Promise<q.QueryServerInRoomResponse> {
    return queryServerInRoom(this.core, request);
  }

  queryMessageHistory(request: q.QueryMessageHistoryRequest): Promise<q.QueryMessageHistoryResponse> {
    return queryMessageHistory(this.core, request);
  }
}
