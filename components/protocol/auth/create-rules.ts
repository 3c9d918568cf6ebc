import { hasOwn, type RoomEvent } from "../events/event.js";
import { ROOM_VERSIONS } from "../roomversions.js";
import { deny } from "./context.js";
import { isValidUserId, serverNameOf } from "../ids/grammar.js";

const RULE = "m.room.create";

/** Auth rule 1: an m.room.create event, checked on its own (it has no auth events). */
export function checkCreateEvent(event: RoomEvent): void {
  const version = event.roomVersion;
  const content = event.content;
  if (event.prevEventIds.length > 0) deny(RULE, "create event has prev_events");

  if (version.roomIdFromCreateEvent) {
    // v12+: the room ID is derived from this event, so it must not carry one.
    if (hasOwn(event.json, "room_id")) deny(RULE, "create event has a room_id");
  } else if (serverNameOf(event.roomId) === undefined || serverNameOf(event.roomId) !== serverNameOf(event.sender)) {
    deny(RULE, `room ID ${event.roomId} is not on the sender's server`);
  }

  if (hasOwn(content, "room_version")) {
    const v = content["room_version"];
    if (typeof v !== "string" || !ROOM_VERSIONS.has(v)) deny(RULE, `unknown room_version ${JSON.stringify(v)}`);
  }

  if (version.privilegedCreators && hasOwn(content, "additional_creators")) {
    const extra = content["additional_creators"];
    if (!Array.isArray(extra) || !extra.every((u) => typeof u === "string" && isValidUserId(u, { historical: true }))) {
      deny(RULE, "additional_creators is not an array of user IDs");
    }
  }

  if (!version.implicitRoomCreator && !hasOwn(content, "creator")) deny(RULE, "content has no creator");
}
