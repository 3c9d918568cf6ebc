import { forbidden } from "../../internal/http/matrix-error.js";
import { type MembershipChange, type ProtocolEvent, readableRoomState } from "../../protocol/index.js";
import type { RoomserverReaderApi } from "../../roomserver/api/roomserver-api.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import type { StateTuple, StoredEvent } from "../../roomserver/api/queries.js";

type StateQueries = Pick<RoomserverReaderApi, "queryMembership" | "queryCurrentState" | "queryStateAfterEvents" | "queryEventsById">;

const HISTORY_VISIBILITY: StateTuple = { type: "m.room.history_visibility", stateKey: "" };

/**
 * How far back a user's membership events are followed looking for their latest join: each
 * step is a query, and a user with more invites and rejections than this since they last
 * left is answered as one who never joined.
 */
const MAX_MEMBERSHIP_STEPS = 64;

/**
 * The room state a user may read, limited to `tuples` (all state when empty), by the
 * protocol's rule (protocol/visibility/state-access.ts): the current state for members and
 * while the room is world_readable, the state when they left for former members, 403 for
 * everyone else and for an unknown room (whose existence is not revealed).
 */
export async function readableState(
  roomserver: StateQueries,
  roomId: string,
  userId: string,
  tuples: StateTuple[],
): Promise<StoredEvent[]> {
  const member = await roomserver.queryMembership({ roomId, userId });
  if (!member.roomExists) throw notAllowed();
  // The requested state and the history visibility in one query: a member, and anyone in a
  // world_readable room, needs nothing more.
  const asked = (tuple: StateTuple) => tuples.some((t) => t.type === tuple.type && t.stateKey === tuple.stateKey);
  const stateTuples = tuples.length === 0 || asked(HISTORY_VISIBILITY) ? tuples : [...tuples, HISTORY_VISIBILITY];
  const current = (await roomserver.queryCurrentState({ roomId, stateTuples })).stateEvents.map((stored) => ({
    stored,
    event: parseStored(stored),
  }));
  const visibility = current.find(({ event }) => event.type === HISTORY_VISIBILITY.type && event.stateKey === HISTORY_VISIBILITY.stateKey);
  const worldReadable = visibility?.event.content.history_visibility === "world_readable";

  const history = member.memberEvent ? await membershipHistory(roomserver, userId, parseStored(member.memberEvent)) : [];
  const access = readableRoomState({ history, worldReadable });
  switch (access.state) {
    case "current":
      return current
        .filter(({ event }) => tuples.length === 0 || asked({ type: event.type, stateKey: event.stateKey ?? "" }))
        .map((e) => e.stored);
    case "at":
      return (await roomserver.queryStateAfterEvents({ roomId, eventIds: [access.at], stateTuples: tuples })).stateEvents;
    case "forbidden":
      throw notAllowed();
  }
}

/**
 * The user's membership changes in the room, oldest first, back to their latest join (all
 * the rule needs). Each membership event's auth events hold the target's membership before
 * it (the spec's auth event selection), so the chain is followed without resolving state.
 */
async function membershipHistory(roomserver: StateQueries, userId: string, latest: ProtocolEvent): Promise<MembershipChange<string>[]> {
  const history: MembershipChange<string>[] = [];
  let event: ProtocolEvent | undefined = latest;
  for (let step = 0; event && step < MAX_MEMBERSHIP_STEPS; step++) {
    const membership = event.content.membership;
    history.unshift({ membership: typeof membership === "string" ? membership : "", at: event.eventId });
    if (membership === "join") break;
    const { events } = await roomserver.queryEventsById({ eventIds: [...event.authEventIds] });
    event = events.map(parseStored).find((e) => e.type === "m.room.member" && e.stateKey === userId);
  }
  return history;
}

const notAllowed = () => forbidden("You are not allowed to read this room");
