import { InvalidatedCache } from "../../internal/cache/invalidated-cache.js";
import type { KeyCounts } from "../../userapi/api/keys.js";
import { userDeviceKey } from "../sync/keys.js";
import type { KeyCountsLookup } from "../sync/sync-builder.js";

/**
 * Each device's one-time and fallback key counts, which every /sync response carries. Asking
 * the userapi each time cost two queries per response (the send-to-sync p50 went from ~70 to
 * ~112 ms in `npm run bench -- sync`), so they are kept until the key-change log says the
 * device's keys changed: every upload, claim and removal of keys publishes one. Until that
 * entry is consumed (milliseconds on the in-process log) a sync may report the counts from
 * before; the upload's own answer already gave the client the new ones.
 */
export class KeyCountsCache {
  private readonly counts = new InvalidatedCache<string, KeyCounts>(50_000);

  constructor(private readonly lookup: KeyCountsLookup) {}

  of(userId: string, deviceId: string): Promise<KeyCounts> {
    return this.counts.get(userDeviceKey(userId, deviceId), () => this.lookup(userId, deviceId));
  }

  /** After the key-change log's entry for the device committed. */
  changed(userId: string, deviceId: string): void {
    this.counts.invalidate(userDeviceKey(userId, deviceId));
  }
}
