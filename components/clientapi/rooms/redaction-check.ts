import { forbidden } from "../../internal/http/matrix-error.js";
import { RoomPowerLevels } from "../../protocol/auth/index.js";
import type { RoomEventBuilder } from "../../roomserver/api/event-builder.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import type { RoomserverReaderApi } from "../../roomserver/api/roomserver-api.js";

/**
 * Who may redact what. From room version 3 the auth rules accept any redaction and leave the
 * check to whoever applies it, so a server must refuse, when a client asks, a redaction by
 * someone below the redact level of an event they did not send (403 M_FORBIDDEN).
 */
export async function checkRedactionAllowed(
  roomserver: Pick<RoomserverReaderApi, "queryEventsById">,
  builder: RoomEventBuilder,
  roomId: string,
  userId: string,
  redacts: string,
): Promise<void> {
  const sketch = { type: "m.room.redaction", sender: userId, content: {}, redacts };
  const position = await builder.positionIn(roomId, sketch);
  const power = RoomPowerLevels.fromState(position.state, position.version);
  if (power.userLevel(userId) >= power.content.redact) return;
  const [stored] = (await roomserver.queryEventsById({ eventIds: [redacts] })).events;
  const original = stored ? parseStored(stored) : undefined;
  if (original?.roomId !== roomId || original.sender !== userId) {
    throw forbidden("only the sender of an event, or a user at the room's redact level, may redact it");
  }
}

