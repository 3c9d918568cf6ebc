/**
 * What account changes must do in rooms. Both need the clientapi to build and send
 * membership events, which arrives with the roomserver (issue 5, rooms half); until then
 * the clientapi is built with ROOMS_NOT_CONNECTED and these changes reach no room.
 */
export interface RoomHooks {
  /** After `displayname` or `avatar_url` changed: an updated m.room.member event in every joined room. */
  profileChanged(userId: string): Promise<void>;
  /** After deactivation: leave every joined room (and reject pending invites). */
  leaveAllRooms(userId: string): Promise<void>;
}

export const ROOMS_NOT_CONNECTED: RoomHooks = {
  profileChanged: async () => {},
  leaveAllRooms: async () => {},
};
