import { coversPositions, zeroPositions, type StreamPositions, type SyncStream } from "./positions.js";

/**
 * Wakes long-polling /sync requests. Consumers tell it, after their transaction committed,
 * which stream advanced and whom the change concerns; only those users' requests wake.
 * It keeps the latest committed position of every stream and who is joined to which room
 * (loaded from the store at start, then kept up to date by the room-event consumer).
 */
export class Notifier {
  /** Replaced, never changed in place: a user's last wake keeps the positions it was at. */
  private current: Readonly<StreamPositions> = zeroPositions();
  /** The positions of each user's last wake; a user never woken since the start counts from `loaded`. */
  private readonly wokenAt = new Map<string, Readonly<StreamPositions>>();
  private loaded: Readonly<StreamPositions> = zeroPositions();
  private readonly roomMembers = new Map<string, Set<string>>();
  private readonly userRooms = new Map<string, Set<string>>();
  /** Bumped on every wake of a user, so a request can tell whether it missed one. */
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  /** The same per room, for readers that are not members (legacy /events peeking at a room). */
  private readonly roomVersions = new Map<string, number>();
  private readonly roomWaiters = new Map<string, Set<() => void>>();

  load(positions: StreamPositions, joined: readonly { roomId: string; userId: string }[]): void {
    this.current = { ...positions };
    this.loaded = this.current;
    for (const { roomId, userId } of joined) this.setJoined(roomId, userId, true);
  }

  positions(): StreamPositions {
    return { ...this.current };
  }

  /**
   * Consumers commit in position order per stream; max() keeps a late callback harmless.
   * Called before the wake of whom the change concerns, so their wake covers it.
   */
  advance(stream: SyncStream, position: number): void {
    if (position > this.current[stream]) this.current = { ...this.current, [stream]: position };
  }

  /**
   * Whether nothing woke the user after `since`: everything that concerns them wakes them,
   * so a sync from `since` would find nothing new (though other users' streams moved on).
   */
  quietSince(userId: string, since: StreamPositions): boolean {
    return coversPositions(since, this.wokenAt.get(userId) ?? this.loaded);
  }

  setJoined(roomId: string, userId: string, joined: boolean): void {
    const members = this.roomMembers.get(roomId) ?? new Set<string>();
    const rooms = this.userRooms.get(userId) ?? new Set<string>();
    if (joined) {
      members.add(userId);
      rooms.add(roomId);
    } else {
      members.delete(userId);
      rooms.delete(roomId);
    }
    this.roomMembers.set(roomId, members);
    this.userRooms.set(userId, rooms);
  }

  joinedMembers(roomId: string): ReadonlySet<string> {
    return this.roomMembers.get(roomId) ?? new Set();
  }

  /** Everyone sharing a room with the user, the user included. */
  usersSharingRooms(userId: string): Set<string> {
    const out = new Set<string>([userId]);
    for (const roomId of this.userRooms.get(userId) ?? []) for (const u of this.joinedMembers(roomId)) out.add(u);
    return out;
  }

  wakeRoom(roomId: string, alsoUsers: Iterable<string> = []): void {
    this.wakeUsers([...this.joinedMembers(roomId), ...alsoUsers]);
    this.roomVersions.set(roomId, this.roomVersion(roomId) + 1);
    const waiting = this.roomWaiters.get(roomId);
    this.roomWaiters.delete(roomId);
    for (const wake of waiting ?? []) wake();
  }

  roomVersion(roomId: string): number {
    return this.roomVersions.get(roomId) ?? 0;
  }

  /** Resolves when the room is woken after `version`, or after `timeoutMs`, or on abort. */
  waitForRoom(roomId: string, version: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.roomVersion(roomId) !== version || timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return this.wait(this.roomWaiters, roomId, timeoutMs, signal);
  }

  wakeUsers(userIds: Iterable<string>): void {
    for (const userId of new Set(userIds)) {
      this.versions.set(userId, this.version(userId) + 1);
      this.wokenAt.set(userId, this.current);
      const waiting = this.waiters.get(userId);
      if (!waiting) continue;
      this.waiters.delete(userId);
      for (const wake of waiting) wake();
    }
  }

  /** Read before computing a response; pass to waitFor so a wake in between is not lost. */
  version(userId: string): number {
    return this.versions.get(userId) ?? 0;
  }

  /** Resolves when the user is woken after `version`, or after `timeoutMs`, or on abort. */
  waitFor(userId: string, version: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.version(userId) !== version || timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return this.wait(this.waiters, userId, timeoutMs, signal);
  }

  private wait(waiters: Map<string, Set<() => void>>, key: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        waiters.get(key)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done);
      const set = waiters.get(key) ?? new Set();
      set.add(done);
      waiters.set(key, set);
    });
  }

  /** Wakes every waiter (shutdown), so long-polls answer before the listener closes. */
  wakeAll(): void {
    this.wakeUsers([...this.waiters.keys()]);
    for (const [, waiting] of this.roomWaiters) for (const wake of waiting) wake();
    this.roomWaiters.clear();
  }
}
