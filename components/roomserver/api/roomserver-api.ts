import type * as q from "../../../proto/gen/dendrite/roomserver/v1/query.js";

/**
 * The roomserver's API, split by caller as its gRPC services are (proto/dendrite/roomserver/
 * v1/query.proto): each caller depends on the part it uses. The in-process implementation
 * and the gRPC client adapter both implement these, with the proto messages as types.
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
  performCreateRoom(request: q.PerformCreateRoomRequest): Promise<q.PerformCreateRoomResponse>;
  performJoin(request: q.PerformJoinRequest): Promise<q.PerformJoinResponse>;
  performMembership(request: q.PerformMembershipRequest): Promise<q.PerformMembershipResponse>;
  performPublish(request: q.PerformPublishRequest): Promise<q.PerformPublishResponse>;
  performSetAlias(request: q.PerformSetAliasRequest): Promise<q.PerformSetAliasResponse>;
  performRemoveAlias(request: q.PerformRemoveAliasRequest): Promise<q.PerformRemoveAliasResponse>;
  queryAlias(request: q.QueryAliasRequest): Promise<q.QueryAliasResponse>;
  queryPublishedRooms(request: q.QueryPublishedRoomsRequest): Promise<q.QueryPublishedRoomsResponse>;
}

export type RoomserverApi = RoomserverWriterApi & RoomserverReaderApi & RoomserverPerformApi;
