import type * as p from "./perform.js";
import type * as q from "./queries.js";

/**
 * The roomserver's API, split by caller as its gRPC services are (proto/dendrite/roomserver/
 * v1/query.proto): each caller depends on the part it uses. The in-process implementation
 * and the gRPC client adapter (grpc/client.ts, converting at the edge) both implement these.
 */
export interface RoomserverWriterApi {
  queryBuildInfo(request: q.QueryBuildInfoRequest): Promise<q.QueryBuildInfoResponse>;
}

export interface RoomserverReaderApi {
  queryEventsById(request: q.QueryEventsByIdRequest): Promise<q.QueryEventsByIdResponse>;
  queryStateAfterEvents(request: q.QueryStateAfterEventsRequest): Promise<q.QueryStateAfterEventsResponse>;
  queryCurrentState(request: q.QueryCurrentStateRequest): Promise<q.QueryCurrentStateResponse>;
  queryMembership(request: q.QueryMembershipRequest): Promise<q.QueryMembershipResponse>;
  queryMembers(request: q.QueryMembersRequest): Promise<q.QueryMembersResponse>;
  queryRoomsForUser(request: q.QueryRoomsForUserRequest): Promise<q.QueryRoomsForUserResponse>;
  queryRoomInfo(request: q.QueryRoomInfoRequest): Promise<q.QueryRoomInfoResponse>;
  queryAuthChain(request: q.QueryAuthChainRequest): Promise<q.QueryAuthChainResponse>;
  queryMissingEvents(request: q.QueryMissingEventsRequest): Promise<q.QueryMissingEventsResponse>;
  queryServerAllowedToSeeEvent(request: q.QueryServerAllowedToSeeEventRequest): Promise<q.QueryServerAllowedToSeeEventResponse>;
  queryServerInRoom(request: q.QueryServerInRoomRequest): Promise<q.QueryServerInRoomResponse>;
  queryMessageHistory(request: q.QueryMessageHistoryRequest): Promise<q.QueryMessageHistoryResponse>;
}

export interface RoomserverPerformApi {
  performCreateRoom(request: p.PerformCreateRoomRequest): Promise<p.PerformCreateRoomResponse>;
  performJoin(request: p.PerformJoinRequest): Promise<p.PerformJoinResponse>;
  performMembership(request: p.PerformMembershipRequest): Promise<p.PerformMembershipResponse>;
  performPublish(request: p.PerformPublishRequest): Promise<p.PerformPublishResponse>;
  performSetAlias(request: p.PerformSetAliasRequest): Promise<p.PerformSetAliasResponse>;
  performRemoveAlias(request: p.PerformRemoveAliasRequest): Promise<p.PerformRemoveAliasResponse>;
  queryAlias(request: p.QueryAliasRequest): Promise<p.QueryAliasResponse>;
  queryPublishedRooms(request: p.QueryPublishedRoomsRequest): Promise<p.QueryPublishedRoomsResponse>;
}

export type RoomserverApi = RoomserverWriterApi & RoomserverReaderApi & RoomserverPerformApi;
