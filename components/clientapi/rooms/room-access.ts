import { forbidden, notFound } from "../../internal/http/matrix-error.js";
import type { RoomserverReaderApi } from "../../roomserver/api/roomserver-api.js";

/** The user's membership of a room ("" if never a member); 404 M_NOT_FOUND for an unknown room. */
export async function membershipIn(
  roomserver: Pick<RoomserverReaderApi, "queryMembership">,
  roomId: string,
  userId: string,
): Promise<string> {
  const answer = await roomserver.queryMembership({ roomId, userId });
  if (!answer.roomExists) throw notFound(`room ${roomId} is not known to this server`);
  return answer.membership;
}

/** 403 M_FORBIDDEN unless the user is joined to the room (404 for an unknown room). */
export async function requireJoined(
  roomserver: Pick<RoomserverReaderApi, "queryMembership">,
  roomId: string,
  userId: string,
): Promise<void> {
  if ((await membershipIn(roomserver, roomId, userId)) !== "join") throw forbidden(`${userId} is not joined to ${roomId}`);
}
