import type { Queryable } from "../../internal/database/database.js";
import type { StoredEvent } from "../storage/events.js";
import type { CachedEvents } from "../caches/events.js";

type Json = Record<string, unknown>;

export interface FormatOptions {
  /** "client" (the spec's ClientEvent) or "federation" (the PDU as stored, with unsigned). */
  format?: "client" | "federation";
  /** The filter's event_fields: dot paths to keep (`\.` escapes a dot). */
  fields?: readonly string[];
  /** Sync's room sections leave room_id out (ClientEventWithoutRoomID). */
  withoutRoomId?: boolean;
  /** The requesting device: its own events carry unsigned.transaction_id. */
  device?: { userId: string; deviceId: string };
}

/** Splits an event_fields path on unescaped dots. */
function pathOf(field: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < field.length; i++) {
    if (field[i] === "\\" && field[i + 1] === ".") {
      cur += ".";
      i++;
    } else if (field[i] === ".") {
      parts.push(cur);
      cur = "";
    } else cur += field[i];
  }
  parts.push(cur);
  return parts;
}

/** Keeps only the listed paths of an event (event_fields). */
export function pickFields(event: Json, fields: readonly string[]): Json {
  const out: Json = {};
  for (const field of fields) {
    const path = pathOf(field);
    let src: unknown = event;
    for (const key of path) src = src !== null && typeof src === "object" && !Array.isArray(src) ? (src as Json)[key] : undefined;
    if (src === undefined) continue;
    let dst = out;
    path.slice(0, -1).forEach((key) => {
      if (typeof dst[key] !== "object" || dst[key] === null) dst[key] = {};
      dst = dst[key] as Json;
    });
    dst[path[path.length - 1]!] = src;
  }
  return out;
}

/**
 * Renders stored events as clients get them: the spec's client format with unsigned.age,
 * prev_content (state events), redacted_because and, for the sender's own device,
 * transaction_id. The events those need are fetched in one query.
 */
export class EventFormatter {
  constructor(private readonly events: CachedEvents) {}

  async format(q: Queryable, events: readonly StoredEvent[], options: FormatOptions = {}): Promise<Json[]> {
    const related = [...new Set(events.flatMap((e) => [e.prevEventId, e.redactionEventId].filter((id): id is string => !!id)))];
    const byId = new Map((await this.events.byIds(q, related)).map((e) => [e.eventId, e]));
    const now = Date.now();
    return events.map((e) => this.one(e, byId, now, options));
  }

  private one(e: StoredEvent, related: Map<string, StoredEvent>, now: number, options: FormatOptions): Json {
    const unsigned: Json = { age: Math.max(0, now - Number(e.json.origin_server_ts ?? now)) };
    const prev = e.prevEventId ? related.get(e.prevEventId) : undefined;
    if (prev) {
      unsigned.prev_content = prev.json.content ?? {};
      unsigned.prev_sender = prev.sender;
      unsigned.replaces_state = prev.eventId;
    }
    const redaction = e.redactionEventId ? related.get(e.redactionEventId) : undefined;
    if (redaction) unsigned.redacted_because = this.one(redaction, new Map(), now, { ...options, fields: undefined });
    if (e.txnId && options.device && options.device.userId === e.sender && options.device.deviceId === e.txnDeviceId) {
      unsigned.transaction_id = e.txnId;
    }
    let out: Json;
    if (options.format === "federation") {
      out = { ...e.json, event_id: e.eventId, unsigned };
    } else {
      out = {
        content: e.json.content ?? {},
        event_id: e.eventId,
        origin_server_ts: e.json.origin_server_ts,
        room_id: e.roomId,
        sender: e.sender,
        type: e.type,
        unsigned,
      };
      if (e.stateKey !== null) out.state_key = e.stateKey;
      const redacts = e.json.redacts ?? ((e.json.content ?? {}) as Json).redacts;
      if (e.type === "m.room.redaction" && typeof redacts === "string") out.redacts = redacts;
    }
    if (options.withoutRoomId) delete out.room_id;
    return options.fields ? pickFields(out, options.fields) : out;
  }
}
