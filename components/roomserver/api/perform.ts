import type { TransactionId } from "./input.js";

/**
 * Changes the roomserver makes itself, building events with the server's key, as the
 * project's own types (wire form: the RoomserverPerform service in query.proto). A failure
 * the client should see comes back as the response's `error`.
 */

/** A failure a client should see, as a Matrix error. */
export interface PerformError {
  errcode: string;
  message: string;
  httpStatus: number;
}

export interface PerformCreateRoomRequest {
  creator: string;
  /** The body of POST /createRoom as JSON text ("" for none). */
  requestJson: string;
  /** Room ID to use for room versions 1-11 ("" to make one); v12 derives it from the create event. */
  roomId: string;
  transactionId?: TransactionId | undefined;
  /** The creator's member content beyond the membership (displayname, avatar_url) as JSON text; "": none. */
  creatorMemberContentJson: string;
}
export interface PerformCreateRoomResponse {
  error?: PerformError | undefined;
  roomId: string;
  roomAlias: string;
}

export interface PerformJoinRequest {
  /** A room ID or an alias. */
  roomIdOrAlias: string;
  userId: string;
  /** Extra member event content (displayname, reason, ...) as JSON text ("" for none). */
  contentJson: string;
  /** The user is a guest: the room's m.room.guest_access must be can_join. */
  isGuest: boolean;
}
export interface PerformJoinResponse {
  error?: PerformError | undefined;
  roomId: string;
  eventId: string;
}

export interface PerformMembershipRequest {
  roomId: string;
  sender: string;
  target: string;
  /** "invite", "leave" (also kick and unban), "ban". */
  membership: string;
  reason: string;
  isDirect: boolean;
}
export interface PerformMembershipResponse {
  error?: PerformError | undefined;
  eventId: string;
}

export interface PerformPublishRequest {
  roomId: string;
  /** "public" or "private". */
  visibility: string;
}
export interface PerformPublishResponse {
  error?: PerformError | undefined;
}

export interface PerformSetAliasRequest {
  alias: string;
  roomId: string;
  creator: string;
}
export interface PerformSetAliasResponse {
  error?: PerformError | undefined;
}

export interface PerformRemoveAliasRequest {
  alias: string;
  /** Who asks: the alias's creator, or a user with power to change m.room.canonical_alias. */
  userId: string;
}
export interface PerformRemoveAliasResponse {
  error?: PerformError | undefined;
}

export interface QueryAliasRequest {
  alias: string;
}
export interface QueryAliasResponse {
  roomId: string;
  servers: string[];
}

export interface QueryPublishedRoomsRequest {
  limit: number;
  since: string;
  filterTerm: string;
}
export interface QueryPublishedRoomsResponse {
  roomIds: string[];
  next: string;
  total: number;
}
