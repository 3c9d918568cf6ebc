import { STREAMS } from "../../internal/eventlog/streams.js";
import type { PresenceUpdate } from "../api/log-messages.js";
import { decodePresence } from "../codecs/presence.js";
import { eachInOrder, type StoreConsumerSpec } from "./store-consumer.js";
import { upsertPresence } from "../storage/presence.js";

export const PRESENCE_CONSUMER = "syncapi-presence";

/** Presence of users; everyone sharing a room with the user hears of a change. */
export function presenceConsumer(): StoreConsumerSpec<PresenceUpdate> {
  return {
    stream: STREAMS.outputPresenceEvent,
    durable: PRESENCE_CONSUMER,
    syncStream: "presence",
    decode: decodePresence,
    apply: eachInOrder(async (tx, p) => {
      const position = await upsertPresence(tx, {
        userId: p.userId,
        presence: p.presence,
        statusMsg: p.statusMsg || null,
        lastActiveTs: p.lastActiveTs,
        currentlyActive: p.currentlyActive,
      });
      return [(n) => (n.advance("presence", position), n.wakeUsers(n.usersSharingRooms(p.userId)))];
    }),
  };
}
