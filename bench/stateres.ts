/**
 * State resolution v2 on a large synthetic room: 10,000 state events in common history
 * (create, a chain of power level changes, ~9,900 members, custom state), then two forks
 * that each change 100 keys (power levels, kicks/bans vs. profile changes, custom state),
 * every fork event citing its own fork's power levels so the auth difference is real.
 * Authorised by the real rules of components/protocol/auth.
 */
import { checkAuth } from "../components/protocol/auth/rules.js";
import type { JsonObject, RoomEvent, StateKey } from "../components/protocol/events/event.js";
import { stateKeyOf } from "../components/protocol/events/event.js";
import { roomVersion } from "../components/protocol/roomversions.js";
import { resolveState } from "../components/protocol/stateres/index.js";
import { report } from "./report.js";

const VERSION = roomVersion("10");
const ROOM = "!bench:example.com";
const ADMIN = "@admin:example.com";

interface Room {
  readonly events: Map<string, RoomEvent>;
  readonly base: Map<StateKey, RoomEvent>;
}

let counter = 0;
function event(
  room: Room,
  state: Map<StateKey, RoomEvent>,
  type: string,
  stateKey: string,
  sender: string,
  content: JsonObject,
): RoomEvent {
  const n = counter++;
  const eventId = `$e${n}`;
  const authKeys = [stateKeyOf("m.room.create", ""), stateKeyOf("m.room.power_levels", ""), stateKeyOf("m.room.member", sender)];
  if (type === "m.room.member") authKeys.push(stateKeyOf("m.room.member", stateKey), stateKeyOf("m.room.join_rules", ""));
  const authEventIds: string[] = [];
  for (const key of new Set(authKeys)) {
    const auth = state.get(key);
    if (auth !== undefined) authEventIds.push(auth.eventId);
  }
  const prev = n === 0 ? [] : [`$e${n - 1}`];
  const ev: RoomEvent = {
    eventId,
    roomVersion: VERSION,
    roomId: ROOM,
    type,
    stateKey,
    sender,
    content,
    originServerTs: 1_700_000_000_000 + n,
    depth: n + 1,
    prevEventIds: prev,
    authEventIds,
    redacts: undefined,
    json: {
      room_id: ROOM,
      sender,
      type,
      state_key: stateKey,
      content,
      origin_server_ts: 1_700_000_000_000 + n,
      depth: n + 1,
      prev_events: prev,
      auth_events: authEventIds,
      hashes: { sha256: "" },
      signatures: {},
    },
  };
  room.events.set(eventId, ev);
  state.set(stateKeyOf(type, stateKey), ev);
  return ev;
}

function user(i: number): string {
  return `@user${i}:example.com`;
}

function powerLevels(moderators: number[]): JsonObject {
  const users: JsonObject = { [ADMIN]: 100 };
  for (const m of moderators) users[user(m)] = 50;
  return { users, state_default: 50, events_default: 0, ban: 50, kick: 50 };
}

export function buildRoom(): { room: Room; stateSets: Map<StateKey, RoomEvent>[] } {
  const room: Room = { events: new Map(), base: new Map() };
  const state = room.base;
  event(room, state, "m.room.create", "", ADMIN, { creator: ADMIN, room_version: VERSION.id });
  event(room, state, "m.room.member", ADMIN, ADMIN, { membership: "join" });
  event(room, state, "m.room.power_levels", "", ADMIN, powerLevels([]));
  event(room, state, "m.room.join_rules", "", ADMIN, { join_rule: "public" });
  let members = 0;
  let custom = 0;
  // Interleave joins, power level changes and custom state so auth chains vary.
  while (state.size < 10_000) {
    const i = members++;
    event(room, state, "m.room.member", user(i), user(i), { membership: "join", displayname: `User ${i}` });
    if (i % 500 === 499) event(room, state, "m.room.power_levels", "", ADMIN, powerLevels([i, i - 1, i - 2]));
    if (i % 200 === 199) event(room, state, "m.bench.custom", `key${custom++}`, ADMIN, { value: i });
  }

  const forkA = new Map(state);
  const forkB = new Map(state);
  // Fork A: a few power level changes, then the admin kicks or bans 49 users and sets 50 custom keys.
  for (let k = 0; k < 3; k++) event(room, forkA, "m.room.power_levels", "", ADMIN, powerLevels([10 + k, 11 + k]));
  // Fork B: other power level changes, the same users change their profiles, other custom values.
  for (let k = 0; k < 3; k++) event(room, forkB, "m.room.power_levels", "", ADMIN, powerLevels([20 + k, 21 + k]));
  for (let k = 0; k < 49; k++) {
    const target = user(100 + k * 7);
    event(room, forkA, "m.room.member", target, ADMIN, { membership: k % 2 === 0 ? "ban" : "leave" });
    event(room, forkB, "m.room.member", target, target, { membership: "join", displayname: `Renamed ${k}` });
  }
  for (let k = 0; k < 50; k++) {
    event(room, forkA, "m.bench.custom", `key${k}`, ADMIN, { value: `a${k}` });
    event(room, forkB, "m.bench.custom", `key${k}`, ADMIN, { value: `b${k}` });
  }
  return { room, stateSets: [forkA, forkB] };
}

export async function run(): Promise<void> {
  const { room, stateSets } = buildRoom();
  const conflicted = [...new Set([...stateSets[0]!.keys(), ...stateSets[1]!.keys()])].filter(
    (key) => stateSets[0]!.get(key)?.eventId !== stateSets[1]!.get(key)?.eventId,
  );
  if (room.base.size !== 10_000 || conflicted.length !== 100) {
    throw new Error(`synthetic room has ${room.base.size} state events and ${conflicted.length} conflicted keys`);
  }
  const input = {
    roomVersion: VERSION,
    stateSets,
    eventById: (id: string) => room.events.get(id),
    authCheck: (ev: RoomEvent, authState: ReadonlyMap<StateKey, RoomEvent>) => checkAuth(ev, authState),
  };
  for (let i = 0; i < 5; i++) resolveState(input); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = process.hrtime.bigint();
    const resolved = resolveState(input);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (resolved.size < 10_000) throw new Error(`resolved state lost keys: ${resolved.size}`);
  }
  times.sort((a, b) => a - b);
  report("state resolution v2, 10,000 state events, 100 conflicted keys", times[Math.floor(times.length / 2)]!, "ms");
}
