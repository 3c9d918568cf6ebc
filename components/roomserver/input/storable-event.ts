import { textProblem } from "../../internal/database/storable-text.js";
import type { RoomEvent } from "../../protocol/index.js";

/**
 * Why the event's fields that the roomserver keeps in columns of their own (IDs, type, state
 * key) cannot be stored, or null. Event JSON keeps U+0000 as an escape, and nothing in the
 * event format forbids it in a type, a state key or a v1 event ID; PostgreSQL text cannot
 * hold it. Such an event (from federation or import-room: the client API refuses it at the
 * edge) is invalid here, refused before anything is written, rather than a statement failing
 * again on every redelivery.
 */
export function unstorableFieldOf(event: RoomEvent): string | null {
  const fields: [string, string | undefined][] = [
    ["event_id", event.eventId],
    ["room_id", event.roomId],
    ["type", event.type],
    ["state_key", event.stateKey],
    ["sender", event.sender],
    ["redacts", event.redacts],
    ...event.prevEventIds.map((id): [string, string] => ["prev_events", id]),
    ...event.authEventIds.map((id): [string, string] => ["auth_events", id]),
  ];
  for (const [name, value] of fields) {
    const problem = value === undefined ? null : textProblem(value);
    if (problem) return `the event's ${name} ${problem}, which this server cannot store`;
  }
  return null;
}
