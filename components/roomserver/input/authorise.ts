import type { Queryable } from "../../internal/database/database.js";
import {
  type AuthOptions,
  ProtocolError,
  type RoomEvent,
  type StateMap,
  authStateNeeded,
  checkAuth,
  checkAuthEventsSelection,
  stateKeyOf,
} from "../../protocol/index.js";
import type { LoadedEvent } from "../state/event-store.js";
import type { StateCalculator } from "../state/state-calculator.js";
import type { StateNids } from "../state/snapshots.js";

/**
 * The authorization checks of the S-S spec ("Checks performed on receipt of a PDU"),
 * steps 4 to 6: against the event's own auth events, against the state before it, and
 * (soft fail) against the room's current state. Each returns the reason for a rejection,
 * or null when the event passes.
 */
export class Authoriser {
  constructor(
    private readonly state: StateCalculator,
    private readonly options: AuthOptions,
  ) {}

  againstAuthEvents(event: RoomEvent, authEvents: readonly LoadedEvent[], create: LoadedEvent | undefined): string | null {
    const rejected = new Set(
      [...authEvents, ...(create ? [create] : [])].filter((e) => e.record.status === "rejected").map((e) => e.event),
    );
    return attempt(() => {
      const authState = checkAuthEventsSelection(
        event,
        authEvents.map((e) => e.event),
        { createEvent: create?.event, isRejected: (e) => rejected.has(e) },
      );
      checkAuth(event, authState, this.options);
    });
  }

  /** Against a state (the state before the event, or the current state for soft failure). */
  async againstState(q: Queryable, event: RoomEvent, state: StateNids): Promise<string | null> {
    const keys = authStateNeeded(event, event.roomVersion).map((t) => stateKeyOf(t.type, t.stateKey));
    const loaded = await this.state.eventsOf(q, state, keys);
    const authState: StateMap = new Map([...loaded].map(([key, l]) => [key, l.event]));
    return attempt(() => checkAuth(event, authState, this.options));
  }
}

function attempt(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof ProtocolError) return err.message;
    throw err;
  }
}
