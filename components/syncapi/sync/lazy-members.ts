/**
 * Which member events each device was already sent, for lazy-loading members without
 * include_redundant_members (spec: the server may send a member again, it should not need
 * to). Kept in memory: after a restart a member is sent once more, which is allowed.
 */
export class LazyMemberCache {
  private readonly sent = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly maxDevices = 10_000) {}

  private key(userId: string, deviceId: string): string {
    return `${userId}|${deviceId}`;
  }

  /** A full or initial sync starts the device over. */
  reset(userId: string, deviceId: string): void {
    this.sent.delete(this.key(userId, deviceId));
  }

  wasSent(userId: string, deviceId: string, roomId: string, memberId: string): boolean {
    return this.sent.get(this.key(userId, deviceId))?.get(roomId)?.has(memberId) ?? false;
  }

  markSent(userId: string, deviceId: string, roomId: string, memberIds: Iterable<string>): void {
    const key = this.key(userId, deviceId);
    let rooms = this.sent.get(key);
    if (!rooms) {
      if (this.sent.size >= this.maxDevices) this.sent.delete(this.sent.keys().next().value!);
      rooms = new Map();
      this.sent.set(key, rooms);
    }
    const set = rooms.get(roomId) ?? new Set<string>();
    for (const m of memberIds) set.add(m);
    rooms.set(roomId, set);
  }
}
