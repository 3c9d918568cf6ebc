import type { Logger } from "../../internal/logging/logger.js";
import type { NewEventListener, StoredRoomEvent } from "../consumers/room-events.js";
import type { PresencePublisher } from "../producers/presence.js";

/**
 * Activity older than this is history, not news: when the syncapi catches up on a backlog
 * (after downtime, or rebuilding its store) it must not announce long-gone users as online.
 */
const STALE_MS = 60_000;

/**
 * Whether a newly stored event shows its sender active on this server. Membership events do
 * not: the server makes some on a user's behalf (a profile change rewrites their member
 * events in every room), and Synapse likewise leaves them out.
 */
export function showsActivity(event: StoredRoomEvent, serverName: string, now: number): boolean {
  if (event.type === "m.room.member") return false;
  if (event.sender.slice(event.sender.indexOf(":") + 1) !== serverName) return false;
  return now - event.originServerTs < STALE_MS;
}

/**
 * Sending sets a user online and updates last_active_ago. The syncapi sees every event a
 * local user sends (the room events it stores), so it needs no word from the writers; the
 * presence goes out on the presence log like any other change.
 */
export function sendingActivity(serverName: string, presence: PresencePublisher, logger: Logger): NewEventListener {
  return (event) => {
    if (!showsActivity(event, serverName, Date.now())) return;
    presence.sent(event.sender, event.originServerTs).catch((err: unknown) => {
      // Presence is best effort: the next send or sync publishes it again.
      logger.warn({ err, user: event.sender }, "could not publish the presence of a sender");
    });
  };
}
