import { stateKeyOf, type RoomEvent, type StateMap } from "../events/event.js";
import { roomIdFromCreateEventId } from "../events/ids.js";
import { authEventTypesNeeded } from "./auth-events.js";
import { deny } from "./context.js";
import { CREATE } from "./state-view.js";

export interface AuthEventsSelectionOptions {
  /**
   * v12+: the m.room.create event named by the room ID (never among the auth events).
   * Required for v12 events other than the create event itself.
   */
  readonly createEvent?: RoomEvent;
  /** Whether an event was rejected by the checks on receipt of a PDU. */
  readonly isRejected?: (event: RoomEvent) => boolean;
}

const RULE = "auth events";

/**
 * The auth rule "considering the event's auth_events" (rule 2 in v1-v11, 2-3 in v12):
 * `authEvents` must be exactly the events `event.auth_events` names, with no duplicate
 * (type, state_key), none outside the auth events selection, none rejected, all in the
 * same room, and (v1-v11) a create event among them. Returns them as a state map ready
 * for checkAuth (in v12 with the create event added).
 */
export function checkAuthEventsSelection(
  event: RoomEvent,
  authEvents: readonly RoomEvent[],
  options: AuthEventsSelectionOptions = {},
): StateMap {
  const version = event.roomVersion;
  // The create event is checked by rule 1 alone; its auth_events are empty by construction.
  if (event.type === CREATE) return new Map();

  const listed = new Set(event.authEventIds);
  if (listed.size !== event.authEventIds.length) deny(RULE, "auth_events lists an event twice");
  const given = new Set(authEvents.map((e) => e.eventId));
  for (const id of listed) if (!given.has(id)) deny(RULE, `auth event ${id} is missing`);
  for (const id of given) if (!listed.has(id)) deny(RULE, `${id} is not one of the event's auth_events`);

  const allowed = new Set(authEventTypesNeeded(event, version).map((t) => stateKeyOf(t.type, t.stateKey)));
  const state = new Map<string, RoomEvent>();
  for (const ev of authEvents) {
    if (ev.stateKey === undefined) deny(RULE, `auth event ${ev.eventId} is not a state event`);
    const key = stateKeyOf(ev.type, ev.stateKey);
    if (state.has(key)) deny(RULE, `duplicate auth events for (${ev.type}, ${JSON.stringify(ev.stateKey)})`);
    if (!allowed.has(key)) deny(RULE, `auth event (${ev.type}, ${JSON.stringify(ev.stateKey)}) is not in the auth events selection`);
    if (options.isRejected?.(ev)) deny(RULE, `auth event ${ev.eventId} was rejected`);
    if (ev.roomId !== event.roomId) deny(RULE, `auth event ${ev.eventId} is in another room`);
    state.set(key, ev);
  }

  const createKey = stateKeyOf(CREATE, "");
  if (version.roomIdFromCreateEvent) {
    const create = options.createEvent;
    if (!create || create.type !== CREATE) deny("room ID", "the room's m.room.create event is not known");
    if (options.isRejected?.(create)) deny("room ID", "the room's m.room.create event was rejected");
    if (event.roomId !== roomIdFromCreateEventId(create.eventId)) deny("room ID", "room_id is not the create event's ID");
    state.set(createKey, create);
  } else if (!state.has(createKey)) {
    deny(RULE, "no m.room.create event among the auth events");
  }
  return state;
}
