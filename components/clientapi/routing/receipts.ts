import { invalidParam, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { parseStored } from "../../roomserver/api/stored-events.js";
import { requireJoined } from "../rooms/room-access.js";
import { checkEventId, checkRoomId, optional } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** Receipt types that are receipts; m.fully_read is the read marker, kept as room account data. */
const RECEIPT_TYPES = ["m.read", "m.read.private"];
const FULLY_READ = "m.fully_read";

/** Marks to set, by type, each naming an event of the room. */
type Marks = Partial<Record<"m.read" | "m.read.private" | "m.fully_read", string>>;

/**
 * POST /rooms/{roomId}/receipt/{receiptType}/{eventId} and POST /rooms/{roomId}/read_markers.
 * Receipts go to the readers on OutputReceiptEvent; the read marker is room account data
 * (stored in the userapi, announced on OutputClientData). Only joined users may set them,
 * and only on events of the room.
 */
export function addReceiptRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const writes = { access: "guest", middleware: [deps.limits.write] } as const;

  const setMarks = async (userId: string, roomId: string, marks: Marks, threadId: string) => {
    await requireJoined(deps.roomserver(), roomId, userId);
    const eventIds = [...new Set(Object.values(marks))];
    const { events } = await deps.roomserver().queryEventsById({ eventIds });
    const inRoom = new Set(
      events
        .map(parseStored)
        .filter((e) => e.roomId === roomId)
        .map((e) => e.eventId),
    );
    const stray = eventIds.find((id) => !inRoom.has(id));
    if (stray !== undefined) throw notFound(`event ${stray} is not in ${roomId}`);

    for (const receiptType of RECEIPT_TYPES) {
      const eventId = marks[receiptType as keyof Marks];
      if (eventId !== undefined) await deps.edus.receipt({ roomId, userId, eventId, receiptType, timestampMs: Date.now(), threadId });
    }
    const fullyRead = marks[FULLY_READ];
    if (fullyRead !== undefined) {
      const content = { event_id: fullyRead };
      await deps.userApi().accountData.setAccountData(userId, roomId, FULLY_READ, content);
      await deps.edus.accountData(userId, roomId, FULLY_READ, content);
    }
  };

  routes.post("/_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}", writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const receiptType = params.receiptType;
    if (![...RECEIPT_TYPES, FULLY_READ].includes(receiptType)) throw invalidParam(`unknown receipt type ${receiptType}`);
    const eventId = checkEventId(params.eventId);
    const threadId = optional(body, "thread_id", "string") ?? "";
    if (threadId !== "" && threadId !== "main" && !threadId.startsWith("$")) throw invalidParam('thread_id must be "main" or an event ID');
    if (threadId !== "" && receiptType === FULLY_READ) throw invalidParam("the read marker is not threaded");
    await setMarks(user.userId, roomId, { [receiptType]: eventId }, threadId);
    ctx.body = {};
  });

  routes.post("/_matrix/client/v3/rooms/{roomId}/read_markers", writes, async ({ ctx, user, params, body }) => {
    const roomId = checkRoomId(params.roomId);
    const marks: Marks = {};
    for (const type of [...RECEIPT_TYPES, FULLY_READ] as (keyof Marks)[]) {
      const eventId = optional(body, type, "string");
      if (eventId !== undefined) marks[type] = checkEventId(eventId);
    }
    if (Object.keys(marks).length > 0) await setMarks(user.userId, roomId, marks, "");
    ctx.body = {};
  });
}
