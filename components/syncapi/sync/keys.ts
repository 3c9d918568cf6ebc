/**
 * Composite keys of in-memory maps. U+0000 cannot occur in a Matrix ID (nor in text the
 * database stores), so no two pairs make the same key. State keys (type, state_key) use the
 * protocol library's stateKeyOf.
 */

/** A user in a room (read markers, unread counts). */
export const userRoomKey = (userId: string, roomId: string): string => `${userId}\u0000${roomId}`;

/** A room's typing user (typing timers). */
export const roomUserKey = (roomId: string, userId: string): string => `${roomId}\u0000${userId}`;

/** A user's stored filter by its ID. */
export const userFilterKey = (userId: string, filterId: string): string => `${userId}\u0000${filterId}`;

/** A user's device (key counts). */
export const userDeviceKey = (userId: string, deviceId: string): string => `${userId}\u0000${deviceId}`;
