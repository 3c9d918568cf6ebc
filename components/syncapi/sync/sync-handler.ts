import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { encodeSyncToken, maxPositions, type StreamPositions } from "../streams/positions.js";
import type { Notifier } from "../streams/notifier.js";
import type { PresencePublisher } from "../producers/presence.js";
import type { SyncStore } from "../caches/sync-store.js";
import type { SyncFilter } from "./filter.js";
import type { SyncBuilder } from "./sync-builder.js";

export interface SyncRequest {
  user: AuthenticatedUser;
  filter: SyncFilter;
  since: StreamPositions | null;
  timeoutMs: number;
  fullState: boolean;
  setPresence: string;
}

/** Long-polls cap here, so a proxy's idle timeout never cuts a request. */
const MAX_TIMEOUT_MS = 120_000;

/**
 * GET /sync: acknowledges to-device messages the `since` token covers, refreshes presence,
 * then answers at once if anything is new for the user, else sleeps until the notifier
 * wakes this user (or the timeout passes) and answers with what woke it.
 */
export class SyncHandler {
  constructor(
    private readonly store: SyncStore,
    private readonly notifier: Notifier,
    private readonly builder: SyncBuilder,
    private readonly presence: PresencePublisher,
  ) {}

  async sync(req: SyncRequest, signal: AbortSignal): Promise<Record<string, unknown>> {
    const { user, since } = req;
    if (since) await this.store.toDeviceAcks.acknowledge(this.store.db, user.userId, user.deviceId, since.toDevice);
    await this.presence.syncing(user.userId, req.setPresence);
    const deadline = Date.now() + Math.min(Math.max(req.timeoutMs, 0), MAX_TIMEOUT_MS);
    for (;;) {
      const version = this.notifier.version(user.userId);
      // A token from before a restart may be ahead of a sequence that was not persisted yet.
      const to = since ? maxPositions(this.notifier.positions(), since) : this.notifier.positions();
      const lastChance = Date.now() >= deadline || signal.aborted;
      // Nothing new for this user, however far other users' streams moved: no need to look.
      const idle = since !== null && !req.fullState && this.notifier.quietSince(user.userId, since);
      if (!idle || lastChance) {
        const built = await this.builder.build(user, req.filter, { since, to, fullState: req.fullState });
        if (!built.empty || since === null || req.fullState || lastChance) {
          return { ...built.body, next_batch: encodeSyncToken({ ...to, toDevice: built.toDevice }) };
        }
      }
      await this.notifier.waitFor(user.userId, version, deadline - Date.now(), signal);
    }
  }
}
