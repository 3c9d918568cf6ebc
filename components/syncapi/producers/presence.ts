import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import type { Queryable } from "../../internal/database/database.js";
import type { PresenceUpdate } from "../api/log-messages.js";
import { encodePresence } from "../codecs/presence.js";
import { selectPresence } from "../storage/presence.js";

export const PRESENCE_STATES = new Set(["online", "unavailable", "offline"]);

/** A syncing client refreshes its user's presence at most this often. */
const SYNC_REFRESH_MS = 60_000;

/**
 * Puts presence changes on the presence log (the syncapi's own consumer stores them, as
 * would a federation sender): "this user is syncing" from /sync, "this user sent an event"
 * from the room events the syncapi stores, and explicit changes from PUT /presence.
 */
export class PresencePublisher {
  private readonly lastSync = new Map<string, { presence: string; at: number }>();

  constructor(
    private readonly log: EventLog,
    /** Where the stored presence is read (the syncapi's database). */
    private readonly db: Queryable,
  ) {}

  /** A /sync with set_presence (default online): publish when it changes something or is due. */
  async syncing(userId: string, setPresence: string): Promise<void> {
    if (setPresence === "offline") return;
    const last = this.lastSync.get(userId);
    const now = Date.now();
    if (last && last.presence === setPresence && now - last.at < SYNC_REFRESH_MS) return;
    this.lastSync.set(userId, { presence: setPresence, at: now });
    const current = await selectPresence(this.db, userId);
    await this.publish({
      userId,
      presence: setPresence,
      statusMsg: current?.statusMsg ?? "",
      lastActiveTs: now,
      currentlyActive: setPresence === "online",
      syncing: true,
    });
  }

  /**
   * A local user sent an event at `at` (their server time): they are active. As in Synapse,
   * this brings an "unavailable" user back online and keeps their status message, while one
   * who chose to appear offline stays so (and their activity unannounced). Published at most
   * once a minute per user while they stay online, as syncs are: last_active_ago within a
   * minute is as precise as presence gets, and a busy sender must not cost a write per event.
   */
  async sent(userId: string, at: number): Promise<void> {
    const last = this.lastSync.get(userId);
    if (last && last.presence === "online" && at - last.at < SYNC_REFRESH_MS) return;
    const current = await selectPresence(this.db, userId);
    if (current?.presence === "offline") return;
    this.lastSync.set(userId, { presence: "online", at });
    await this.publish({
      userId,
      presence: "online",
      statusMsg: current?.statusMsg ?? "",
      lastActiveTs: at,
      currentlyActive: true,
      syncing: false,
    });
  }

  async set(userId: string, presence: string, statusMsg: string | undefined): Promise<PresenceUpdate> {
    const event: PresenceUpdate = {
      userId,
      presence,
      statusMsg: statusMsg ?? "",
      lastActiveTs: Date.now(),
      currentlyActive: presence === "online",
      syncing: false,
    };
    this.lastSync.set(userId, { presence, at: event.lastActiveTs });
    await this.publish(event);
    return event;
  }

  private async publish(event: PresenceUpdate): Promise<void> {
    await this.log.publish(`${STREAMS.outputPresenceEvent}.${subjectToken(event.userId)}`, encodePresence(event));
  }
}
