import type { TokenRevocationProducer } from "../producers/token-revocations.js";
import type { TokenCache } from "./token-cache.js";

/**
 * How a revoked access token stops working everywhere at once. Token lookups are cached in
 * every process that makes them (token-cache.ts): the userapi's replicas, and the clientapi
 * and syncapi when the userapi runs in another process. Whatever revokes tokens (logout,
 * device deletion, password change, deactivation, a login replacing a device's token)
 * calls `revoke` after its transaction committed and before it answers; `revoke` drops the
 * tokens from this process's cache and publishes their hashes on OutputTokenRevocation
 * (producers/token-revocations.ts), which every cache follows with a plain subscription
 * (`followRevocations`, consumers/token-revocations.ts).
 *
 * Why the revoking request's answer cannot overtake the news. In-process, `publish` runs
 * the subscribers' handlers before it resolves. On NATS, the server routes a message to
 * every interested connection as it reads it, the subscribers' and the stream's alike, and
 * the stream acknowledges only after storing it; so when `publish` resolves, the message is
 * already queued on each cache's connection (in a NATS cluster, on the route to the cache's
 * server). What remains is the delivery of those few bytes, racing the answer's way: to the
 * clientapi over gRPC, to the client over HTTP, then the client's next request to the
 * cache's process. Microseconds against at least a client round trip; accepted. A cache
 * whose connection to NATS drops hears so from the log and serves nothing until it is back,
 * since news published meanwhile is lost to it; and a lookup that was in flight when news
 * came is not kept (token-cache.ts).
 *
 * A subscription rather than a consumer: a cache starts empty, so it needs no history and no
 * position; and a consumer is fed from the stream after it stored the message, racing the
 * publisher's acknowledgement instead of preceding it. The stream keeps the record.
 */
export class TokenRevocations {
  /** `producer` null: a process without a log (the CLI) must not revoke tokens a server may cache. */
  constructor(
    private readonly cache: TokenCache,
    private readonly producer: TokenRevocationProducer | null,
  ) {}

  /**
   * Call after the tokens left the database and before answering. If the publish fails, so
   * does the request: the tokens are gone, but caches elsewhere may keep them for their TTL.
   */
  async revoke(userId: string, hashes: readonly Buffer[]): Promise<void> {
    if (hashes.length === 0) return;
    this.cache.delete(hashes);
    if (!this.producer) throw new Error("revoking access tokens needs the event log, to tell the caches of running servers");
    await this.producer.publish({ userId, tokenHashes: hashes });
  }
}
