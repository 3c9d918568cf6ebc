import type { Queryable } from "../../internal/database/database.js";
import { stateKeyOf, type StateKey } from "../../protocol/index.js";

/** One state key's new value: an event ID, or null when the key left the state. */
export interface StateChange {
  type: string;
  stateKey: string;
  eventId: string | null;
  membership: string | null;
}

export interface StateRange {
  roomId: string;
  /** Changes after this position ... */
  after: number;
  /** ... up to and including this one. */
  upTo: number;
}

export interface MembershipRow {
  roomId: string;
  membership: string;
  position: number;
  eventId: string | null;
}

/*
 * syncapi_state_deltas and syncapi_current_state: room state over stream positions. Every
 * change is kept at the position of the event that made it, so the state at a position, and
 * what changed between two, are single queries; the current state is kept beside it for the
 * common questions (who is joined where).
 */

export async function applyStateChanges(tx: Queryable, roomId: string, position: number, changes: readonly StateChange[]): Promise<void> {
  for (const c of changes) {
    await tx.execute(
      "INSERT INTO syncapi_state_deltas (position, room_id, type, state_key, event_id, membership) VALUES ($1, $2, $3, $4, $5, $6)",
      [position, roomId, c.type, c.stateKey, c.eventId, c.membership],
    );
    if (c.eventId === null) {
      await tx.execute("DELETE FROM syncapi_current_state WHERE room_id = $1 AND type = $2 AND state_key = $3", [
        roomId,
        c.type,
        c.stateKey,
      ]);
    } else {
      await tx.execute(
        `INSERT INTO syncapi_current_state (room_id, type, state_key, event_id, position, membership) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = EXCLUDED.event_id, position = EXCLUDED.position, membership = EXCLUDED.membership`,
        [roomId, c.type, c.stateKey, c.eventId, position, c.membership],
      );
    }
  }
}

export async function selectCurrentEventIds(
  q: Queryable,
  roomId: string,
  keys: readonly { type: string; stateKey: string }[],
): Promise<Map<StateKey, string>> {
  const out = new Map<StateKey, string>();
  if (keys.length === 0) return out;
  const rows = await q.query<{ type: string; state_key: string; event_id: string }>(
    `SELECT c.type, c.state_key, c.event_id FROM unnest($2::text[], $3::text[]) AS k(type, state_key)
     JOIN syncapi_current_state c ON c.room_id = $1 AND c.type = k.type AND c.state_key = k.state_key`,
    [roomId, keys.map((k) => k.type), keys.map((k) => k.stateKey)],
  );
  for (const r of rows) out.set(stateKeyOf(r.type, r.state_key), r.event_id);
  return out;
}

/**
 * For each range, the keys that changed in it with their value at its end. With
 * `after` 0 that is the whole state at `upTo`.
 */
export async function selectStateChanges(q: Queryable, ranges: readonly StateRange[]): Promise<Map<string, StateChange[]>> {
  const out = new Map<string, StateChange[]>();
  if (ranges.length === 0) return out;
  const rows = await q.query<{ room_id: string; type: string; state_key: string; event_id: string | null; membership: string | null }>(
    `SELECT DISTINCT ON (d.room_id, d.type, d.state_key) d.room_id, d.type, d.state_key, d.event_id, d.membership
     FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS b(room_id, after, upto)
     JOIN syncapi_state_deltas d ON d.room_id = b.room_id AND d.position > b.after AND d.position <= b.upto
     ORDER BY d.room_id, d.type, d.state_key, d.position DESC`,
    [ranges.map((r) => r.roomId), ranges.map((r) => r.after), ranges.map((r) => r.upTo)],
  );
  for (const r of rows) {
    const list = out.get(r.room_id) ?? [];
    list.push({ type: r.type, stateKey: r.state_key, eventId: r.event_id, membership: r.membership });
    out.set(r.room_id, list);
  }
  return out;
}

/** The user's current membership in every room they have one in. */
export async function selectMembershipsOf(q: Queryable, userId: string): Promise<MembershipRow[]> {
  const rows = await q.query<{ room_id: string; membership: string; position: number; event_id: string }>(
    "SELECT room_id, membership, position, event_id FROM syncapi_current_state WHERE type = 'm.room.member' AND state_key = $1",
    [userId],
  );
  return rows.map((r) => ({ roomId: r.room_id, membership: r.membership, position: Number(r.position), eventId: r.event_id }));
}

/** Every membership change of the user (in the given rooms), oldest first. */
export async function selectMembershipHistory(q: Queryable, userId: string, roomIds?: readonly string[]): Promise<MembershipRow[]> {
  const rows = await q.query<{ room_id: string; membership: string | null; position: number; event_id: string | null }>(
    `SELECT room_id, membership, position, event_id FROM syncapi_state_deltas
     WHERE type = 'm.room.member' AND state_key = $1 AND ($2::text[] IS NULL OR room_id = ANY($2::text[]))
     ORDER BY position`,
    [userId, roomIds ?? null],
  );
  return rows.map((r) => ({ roomId: r.room_id, membership: r.membership ?? "leave", position: Number(r.position), eventId: r.event_id }));
}

/** Current members of a room with a membership, in the order they got it (for heroes). */
export async function selectMembers(
  q: Queryable,
  roomId: string,
  memberships: readonly string[],
): Promise<{ userId: string; membership: string; eventId: string }[]> {
  const rows = await q.query<{ state_key: string; membership: string; event_id: string }>(
    `SELECT state_key, membership, event_id FROM syncapi_current_state
     WHERE room_id = $1 AND type = 'm.room.member' AND membership = ANY($2::text[]) ORDER BY position`,
    [roomId, memberships],
  );
  return rows.map((r) => ({ userId: r.state_key, membership: r.membership, eventId: r.event_id }));
}

/** Every (room, user) joined now: what the notifier starts from. */
export async function selectAllJoined(q: Queryable): Promise<{ roomId: string; userId: string }[]> {
  const rows = await q.query<{ room_id: string; state_key: string }>(
    "SELECT room_id, state_key FROM syncapi_current_state WHERE type = 'm.room.member' AND membership = 'join'",
  );
  return rows.map((r) => ({ roomId: r.room_id, userId: r.state_key }));
}

/** The membership changes in the rooms between two positions (after, upTo], oldest first. */
export async function selectMembershipChanges(
  q: Queryable,
  roomIds: readonly string[],
  after: number,
  upTo: number,
): Promise<{ roomId: string; userId: string; membership: string }[]> {
  if (roomIds.length === 0 || after >= upTo) return [];
  const rows = await q.query<{ room_id: string; state_key: string; membership: string | null }>(
    `SELECT room_id, state_key, membership FROM syncapi_state_deltas
     WHERE type = 'm.room.member' AND room_id = ANY($1::text[]) AND position > $2 AND position <= $3
     ORDER BY position`,
    [roomIds, after, upTo],
  );
  return rows.map((r) => ({ roomId: r.room_id, userId: r.state_key, membership: r.membership ?? "leave" }));
}

/** Users who share a joined room with `userId` now (the user included). */
export async function selectUsersSharingRooms(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>(
    `SELECT DISTINCT o.state_key AS user_id FROM syncapi_current_state m
     JOIN syncapi_current_state o ON o.room_id = m.room_id AND o.type = 'm.room.member' AND o.membership = 'join'
     WHERE m.type = 'm.room.member' AND m.state_key = $1 AND m.membership = 'join'`,
    [userId],
  );
  return rows.map((r) => r.user_id);
}
