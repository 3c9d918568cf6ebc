import { forbidden } from "../../internal/http/matrix-error.js";
import type { RoomserverReaderApi } from "../../roomserver/api/roomserver-api.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import type { StateTuple, StoredEvent } from "../../roomserver/api/queries.js";

type StateQueries = Pick<RoomserverReaderApi, "queryMembership" | "queryCurrentState" | "queryStateAfterEvents" | "queryEventsById">;

/**
 * The room state a user may read, limited to `tuples` (all state when empty), as the
 * syncapi's /state decides it (components/syncapi/routing/room-access.ts): members read
 * the current state; anyone reads it while the room is world_readable; a former member
 * (left, kicked, banned after having joined) reads the state as it was when they left;
 * everyone else, and an unknown room (whose existence is not revealed), gets 403.
 */
export async function readableState(roomserver: StateQueries, roomId: string, userId: string, tuples: StateTuple[]): Promise<StoredEvent[]> {
  const member = await roomserver.queryMembership({ roomId, userId });
  if (!member.roomExists) throw notAllowed();
  const current = async () => (await roomserver.queryCurrentState({ roomId, stateTuples: tuples })).stateEvents;
  if (member.membership === "join" || (await worldReadable(roomserver, roomId))) return current();
  if ((member.membership === "leave" || member.membership === "ban") && member.memberEvent) {
    // Whether they had joined: a membership event's auth events hold the target's membership
    // before it (the spec's auth event selection), so no state needs resolving.
    const { events } = await roomserver.queryEventsById({ eventIds: [...parseStored(member.memberEvent).authEventIds] });
    const prior = events.map(parseStored).find((e) => e.type === "m.room.member" && e.stateKey === userId);
    if (prior?.content.membership === "join") {
      return (await roomserver.queryStateAfterEvents({ roomId, eventIds: [member.eventId], stateTuples: tuples })).stateEvents;
    }
  }
  throw notAllowed();
}

async function worldReadable(roomserver: StateQueries, roomId: string): Promise<boolean> {
  const { stateEvents } = await roomserver.queryCurrentState({ roomId, stateTuples: [{ type: "m.room.history_visibility", stateKey: "" }] });
  const [event] = stateEvents;
  return !!event && parseStored(event).content.history_visibility === "world_readable";
}

const notAllowed = () => forbidden("You are not allowed to read this room");
