import { STREAMS } from "../../internal/eventlog/streams.js";
import type { TypingNotice } from "../../clientapi/api/edus.js";
import { decodeTyping } from "../../clientapi/codecs/edus.js";
import type { SyncStore } from "../caches/sync-store.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import type { StreamWriter } from "../streams/stream-writer.js";
import { roomUserKey } from "../sync/keys.js";
import { selectActiveTyping, typingStillExpiresAt, upsertTyping } from "../storage/typing.js";

export const TYPING_CONSUMER = "syncapi-typing";

/**
 * Ends typing that nobody ended: a client that stops sending leaves its "typing" in place,
 * and syncing clients must see it stop when it expires, so the expiry is a write of its own
 * (a new typing position) that wakes the room.
 */
export class TypingExpiry {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: SyncStore,
    private readonly writer: StreamWriter,
  ) {}

  schedule(roomId: string, userId: string, expiresAt: number): void {
    const key = roomUserKey(roomId, userId);
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        void this.expire(roomId, userId, expiresAt).catch(() => {});
      },
      Math.max(0, expiresAt - Date.now()),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  cancel(roomId: string, userId: string): void {
    const key = roomUserKey(roomId, userId);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private async expire(roomId: string, userId: string, expiresAt: number): Promise<void> {
    await this.writer.write("typing", async (tx) => {
      // Only if nothing newer replaced this typing notification meanwhile.
      if (!(await typingStillExpiresAt(tx, roomId, userId, expiresAt))) return [];
      const position = await upsertTyping(tx, roomId, userId, false, 0);
      return [(n) => (n.advance("typing", position), n.wakeRoom(roomId))];
    });
  }

  /** After a restart: expiries of everyone still marked typing. */
  async restore(): Promise<void> {
    for (const t of await selectActiveTyping(this.store.db)) this.schedule(t.roomId, t.userId, t.expiresAt);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

export function typingConsumer(store: SyncStore, expiry: TypingExpiry): StoreConsumerSpec<TypingNotice> {
  return {
    stream: STREAMS.outputTypingEvent,
    durable: TYPING_CONSUMER,
    syncStream: "typing",
    decode: decodeTyping,
    apply: eachInOrder(async (tx, t) => {
      const position = await upsertTyping(tx, t.roomId, t.userId, t.typing, t.typing ? t.expiresAtMs : 0);
      return [
        (n) => {
          n.advance("typing", position);
          if (t.typing) expiry.schedule(t.roomId, t.userId, t.expiresAtMs);
          else expiry.cancel(t.roomId, t.userId);
          n.wakeRoom(t.roomId);
        },
      ];
    }),
  };
}
