import { forbidden, invalidParam } from "../../internal/http/matrix-error.js";
import { RoomPowerLevels } from "../../protocol/index.js";
import type { RoomEventBuilder } from "../../roomserver/api/event-builder.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import type { RoomserverReaderApi } from "../../roomserver/api/roomserver-api.js";

/**
 * Who may redact what. From room version 3 the auth rules accept any redaction and leave the
 * check to whoever applies it, so a server must refuse, when a client asks, a redaction by
 * someone below the redact level of an event they did not send (403 M_FORBIDDEN). An event
 * of another room is 400 M_INVALID_PARAM, whoever asks (as in Synapse).
 */
export async function checkRedactionAllowed(
  roomserver: Pick<RoomserverReaderApi, "queryEventsById">,
  builder: RoomEventBuilder,
  roomId: string,
  userId: string,
  redacts: string,
): Promise<void> {
  const sketch = { type: "m.room.redaction", sender: userId, content: {}, redacts };
  const [position, { events }] = await Promise.all([
    builder.positionIn(roomId, sketch),
    roomserver.queryEventsById({ eventIds: [redacts] }),
  ]);
  const original = events[0] ? parseStored(events[0]) : undefined;
  // A redaction applies only within its room; one naming another room's event would do nothing.
  if (original && original.roomId !== roomId) throw invalidParam(`${redacts} is not an event of ${roomId}`);
  const power = RoomPowerLevels.fromState(position.state, position.version);
  if (power.userLevel(userId) >= power.content.redact) return;
  if (original?.sender !== userId) throw forbidden("only the sender of an event, or a user at the room's redact level, may redact it");
}
