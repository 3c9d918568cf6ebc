/**
 * What the userapi publishes on the event log, as its readers see it; the bytes on the log
 * are protobuf (codecs/), which no reader needs to know.
 */

/** OutputKeyChangeEvent: a user's device list changed, or the key counts of one of their devices. */
export interface KeyChange {
  readonly userId: string;
  /** The device made or deleted; "" when several were deleted at once. */
  readonly deviceId: string;
  /** True when the device (or devices) were deleted. */
  readonly deleted: boolean;
  /**
   * True when another user claimed the device's one-time or fallback keys: the device's
   * own syncs must report the new counts; the device list itself did not change.
   */
  readonly keyCountsChanged: boolean;
}

/** OutputTokenRevocation: access tokens of one user that no longer work. */
export interface TokenRevocation {
  readonly userId: string;
  /** The SHA-256 of each revoked token (what token caches key their entries by). */
  readonly tokenHashes: readonly Uint8Array[];
}
