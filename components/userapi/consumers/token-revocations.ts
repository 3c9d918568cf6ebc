import type { EventLog, Subscription } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import type { TokenRevocation } from "../api/log-messages.js";
import { decodeTokenRevocation } from "../codecs/token-revocation.js";
import type { TokenCache } from "../devices/token-cache.js";

/**
 * Keeps `cache` in step with every userapi's revocations; the cache serves entries only while
 * the subscription receives. A plain subscription, not a durable consumer: a cache starts
 * empty, so it needs no history and no position (devices/token-revocations.ts says why it
 * also arrives sooner).
 */
export async function followRevocations(log: EventLog, cache: TokenCache): Promise<Subscription> {
  const subscription = await log.subscribe(`${STREAMS.outputTokenRevocation}.>`, {
    handler: (_subject, data) => {
      let revocation: TokenRevocation;
      try {
        revocation = decodeTokenRevocation(data);
      } catch {
        // Which tokens it meant is unknown, so none of them can be trusted.
        cache.clear();
        return;
      }
      cache.delete(revocation.tokenHashes);
    },
    onLiveChange: (live) => (live ? cache.enable() : cache.disable()),
  });
  cache.enable();
  return subscription;
}
