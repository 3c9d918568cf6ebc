import type { Database } from "../../internal/database/database.js";
import { CachedEvents } from "./events.js";
import { IgnoredUsers } from "./ignored-users.js";
import { MembershipHistories } from "./membership-histories.js";
import { ReadMarkers } from "./read-markers.js";
import { RecentEvents } from "./recent-events.js";
import { ToDeviceAcknowledgements } from "./to-device-acknowledgements.js";
import { UnreadEvents } from "./unread-events.js";

/**
 * The syncapi's database and what the syncapi keeps in memory of it. The tables are plain
 * functions (storage/); reads that a cache answers go through the cache here, every other
 * read and write calls storage directly with `db` or the transaction at hand. One object per
 * syncapi, so the consumers (which fill and invalidate the caches after commit) and the
 * readers share the same memory. Assumes one syncapi process, as the notifier does.
 */
export class SyncStore {
  /** The newest timeline events of active rooms (filled by the room-event consumer after commit). */
  readonly recent = new RecentEvents();
  readonly events = new CachedEvents(this.recent);
  readonly unread = new UnreadEvents(this.recent);
  readonly memberships = new MembershipHistories();
  readonly ignoredUsers = new IgnoredUsers();
  readonly readMarkers = new ReadMarkers();
  readonly toDeviceAcks = new ToDeviceAcknowledgements();

  constructor(readonly db: Database) {}

  /** A redaction committed: what the memory holds of the event changes, and kept unread counts may count it. */
  redacted(eventId: string, json: Record<string, unknown>, redactionEventId: string): void {
    this.recent.redacted(eventId, json, redactionEventId);
    this.unread.redacted();
  }
}
