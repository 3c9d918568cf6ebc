/**
 * The roomserver's query requests and answers, as the project's own types (the wire form is
 * proto/dendrite/roomserver/v1/query.proto; grpc/convert.ts converts). Queries are coarse: a
 * batch of IDs per call, never one call per event.
 */

/** A (type, state_key) pair naming a piece of room state. */
export interface StateTuple {
  type: string;
  stateKey: string;
}

/** An event as the roomserver stores it. */
export interface StoredEvent {
  eventId: string;
  roomVersion: string;
  /** The stored JSON text, never re-encoded (signatures cover it). */
  eventJson: string;
  rejected: boolean;
  softFailed: boolean;
  outlier: boolean;
}

export interface QueryBuildInfoRequest {
  roomId: string;
  /** The current state a writer needs: auth events of the event it builds, usually. */
  stateNeeded: StateTuple[];
}

/** A forward extremity the new event cites as a prev event. */
export interface PrevEvent {
  eventId: string;
  /** Its reference hash, for room versions 1 and 2 which cite it; "" otherwise. */
  sha256: string;
}

export interface QueryBuildInfoResponse {
  roomExists: boolean;
  roomVersion: string;
  /** The forward extremities: the new event's prev_events. */
  prevEvents: PrevEvent[];
  depth: number;
  stateEvents: StoredEvent[];
}

export interface QueryEventsByIdRequest {
  eventIds: string[];
}
export interface QueryEventsByIdResponse {
  events: StoredEvent[];
}

export interface QueryStateAfterEventsRequest {
  roomId: string;
  eventIds: string[];
  stateTuples: StateTuple[];
}
export interface QueryStateAfterEventsResponse {
  roomExists: boolean;
  prevEventsExist: boolean;
  stateEvents: StoredEvent[];
}

export interface QueryCurrentStateRequest {
  roomId: string;
  stateTuples: StateTuple[];
}
export interface QueryCurrentStateResponse {
  roomExists: boolean;
  stateEvents: StoredEvent[];
}

export interface QueryMembershipRequest {
  roomId: string;
  userId: string;
}
export interface QueryMembershipResponse {
  roomExists: boolean;
  membership: string;
  eventId: string;
  memberEvent?: StoredEvent | undefined;
}

export interface QueryMembersRequest {
  roomId: string;
  memberships: string[];
  localOnly: boolean;
}
export interface QueryMembersResponse {
  roomExists: boolean;
  memberEvents: StoredEvent[];
}

export interface QueryRoomsForUserRequest {
  userId: string;
  membership: string;
}
export interface QueryRoomsForUserResponse {
  roomIds: string[];
}

export interface QueryRoomInfoRequest {
  roomId: string;
}
export interface QueryRoomInfoResponse {
  roomExists: boolean;
  roomVersion: string;
  latestEventIds: string[];
  joinedMembers: number;
  invitedMembers: number;
  published: boolean;
}

export interface QueryAuthChainRequest {
  eventIds: string[];
}
export interface QueryAuthChainResponse {
  authChain: StoredEvent[];
}

export interface QueryMissingEventsRequest {
  roomId: string;
  earliestEvents: string[];
  latestEvents: string[];
  limit: number;
  serverName: string;
}
export interface QueryMissingEventsResponse {
  events: StoredEvent[];
}

export interface QueryServerAllowedToSeeEventRequest {
  eventId: string;
  serverName: string;
}
export interface QueryServerAllowedToSeeEventResponse {
  allowed: boolean;
}

export interface QueryServerInRoomRequest {
  roomId: string;
  serverName: string;
}
export interface QueryServerInRoomResponse {
  roomExists: boolean;
  serverInRoom: boolean;
}

export type HistoryDirection = "backward" | "forward";

export interface QueryMessageHistoryRequest {
  roomId: string;
  /** A token from a previous page; "" starts at the newest event (backward) or the oldest (forward). */
  from: string;
  direction: HistoryDirection;
  limit: number;
}
export interface QueryMessageHistoryResponse {
  roomExists: boolean;
  /** In topological order in the direction asked. */
  events: StoredEvent[];
  /** "" when there is nothing more. */
  next: string;
}
