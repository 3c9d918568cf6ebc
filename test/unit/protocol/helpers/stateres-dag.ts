/**
 * Crafted-DAG harness for state resolution tests, modelled on the scenarios in Synapse's
 * tests/state/test_v2.py: a room's events are given as a list plus chains of prev-event
 * edges; the harness walks the DAG in topological order, gives each event the auth
 * events its type needs from the state before it, resolves state wherever branches
 * merge, and reports the state at END.
 */
import type { JsonObject, RoomEvent, StateKey, StateMap } from "../../../../components/protocol/events/event.js";
import { stateKeyOf } from "../../../../components/protocol/events/event.js";
import { ProtocolError } from "../../../../components/protocol/errors.js";
import type { RoomVersion } from "../../../../components/protocol/roomversions.js";
import { roomVersion } from "../../../../components/protocol/roomversions.js";
import { resolveState, lexicographicalTopologicalSort } from "../../../../components/protocol/stateres/index.js";
import type { AuthCheck } from "../../../../components/protocol/stateres/index.js";

export const ALICE = "@alice:example.com";
export const BOB = "@bob:example.com";
export const CHARLIE = "@charlie:example.com";
export const EVELYN = "@evelyn:example.com";
export const ZARA = "@zara:example.com";

export interface FakeEventSpec {
  readonly id: string;
  readonly sender: string;
  readonly type: string;
  readonly stateKey?: string;
  readonly content: JsonObject;
}

export interface MakeEventOptions extends FakeEventSpec {
  readonly version: RoomVersion;
  readonly roomId: string;
  readonly eventId?: string;
  readonly authEvents: readonly string[];
  readonly prevEvents?: readonly string[];
  readonly ts: number;
  readonly depth?: number;
}

/** A RoomEvent with a plausible PDU body; hashes and signatures are dummies. */
export function makeEvent(o: MakeEventOptions): RoomEvent {
  const eventId = o.eventId ?? `$${o.id}:example.com`;
  const prevEvents = o.prevEvents ?? [];
  const depth = o.depth ?? 1;
  const json: RoomEvent["json"] = {
    room_id: o.roomId,
    sender: o.sender,
    type: o.type,
    content: o.content,
    origin_server_ts: o.ts,
    depth,
    prev_events: o.version.eventFormat === "v1" ? prevEvents.map((id) => [id, {}]) : [...prevEvents],
    auth_events: o.version.eventFormat === "v1" ? o.authEvents.map((id) => [id, {}]) : [...o.authEvents],
    hashes: { sha256: "" },
    signatures: {},
    ...(o.stateKey !== undefined ? { state_key: o.stateKey } : {}),
    ...(o.version.eventFormat === "v1" ? { event_id: eventId } : {}),
  };
  return {
    eventId,
    roomVersion: o.version,
    roomId: o.roomId,
    type: o.type,
    stateKey: o.stateKey,
    sender: o.sender,
    content: o.content,
    originServerTs: o.ts,
    depth,
    prevEventIds: prevEvents,
    authEventIds: o.authEvents,
    redacts: undefined,
    json,
  };
}

const CREATE = stateKeyOf("m.room.create", "");
const POWER = stateKeyOf("m.room.power_levels", "");
const JOIN_RULES = stateKeyOf("m.room.join_rules", "");

function reject(why: string): never {
  throw new ProtocolError("UNAUTHORISED", why);
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * A much-simplified subset of the authorisation rules, enough for the crafted DAGs:
 * joins (public rooms, re-joins, the creator's first join), invites, leaves, kicks, bans,
 * and power-level checks on state events including who may change whose level.
 * Room v12 creators have infinite power.
 */
export const simpleAuthCheck: AuthCheck = (event, state) => {
  if (event.type === "m.room.create") return;
  const create = state.get(CREATE);
  if (create === undefined) reject("no create event");
  const version = event.roomVersion;
  const creators = new Set<string>([version.implicitRoomCreator ? create.sender : String(create.content["creator"])]);
  if (version.privilegedCreators) {
    creators.add(create.sender);
    for (const c of (create.content["additional_creators"] as string[] | undefined) ?? []) creators.add(c);
  }
  const pl = state.get(POWER);
  const plc = asObject(pl?.content);
  const level = (user: string, content = plc, hasPl = pl !== undefined): number => {
    if (version.privilegedCreators && creators.has(user)) return Number.POSITIVE_INFINITY;
    if (!hasPl) return creators.has(user) ? 100 : 0;
    const users = asObject(content["users"]);
    return Number(users[user] ?? content["users_default"] ?? 0);
  };
  const threshold = (name: string, dflt: number): number => Number(plc[name] ?? dflt);
  const membershipOf = (user: string): string | undefined =>
    state.get(stateKeyOf("m.room.member", user))?.content["membership"] as string | undefined;
  const senderLevel = level(event.sender);

  if (event.type === "m.room.member") {
    const target = event.stateKey!;
    const membership = event.content["membership"];
    const current = membershipOf(target);
    switch (membership) {
      case "join": {
        if (event.sender !== target) reject("join for someone else");
        if (current === "ban") reject("banned");
        if (current === "join" || current === "invite") return;
        if (creators.has(target) && current === undefined) return;
        if (state.get(JOIN_RULES)?.content["join_rule"] === "public") return;
        return reject("not public");
      }
      case "invite":
        if (membershipOf(event.sender) !== "join") reject("inviter not joined");
        if (current === "join" || current === "ban") reject("already joined or banned");
        if (senderLevel < threshold("invite", 0)) reject("cannot invite");
        return;
      case "leave":
        if (event.sender === target) {
          if (current === "join" || current === "invite") return;
          reject("not in room");
        }
        if (membershipOf(event.sender) !== "join") reject("kicker not joined");
        if (current === "ban" && senderLevel < threshold("ban", 50)) reject("cannot unban");
        if (senderLevel < threshold("kick", 50) || level(target) >= senderLevel) reject("cannot kick");
        return;
      case "ban":
        if (membershipOf(event.sender) !== "join") reject("banner not joined");
        if (senderLevel < threshold("ban", 50) || level(target) >= senderLevel) reject("cannot ban");
        return;
      default:
        reject("unknown membership");
    }
  }

  if (membershipOf(event.sender) !== "join") reject("sender not joined");
  const events = asObject(plc["events"]);
  const required = Number(
    events[event.type] ?? (event.stateKey !== undefined ? (pl ? (plc["state_default"] ?? 50) : 0) : (plc["events_default"] ?? 0)),
  );
  if (senderLevel < required) reject("insufficient power");
  if (event.type === "m.room.power_levels" && pl !== undefined) {
    const oldUsers = asObject(plc["users"]);
    const newUsers = asObject(event.content["users"]);
    for (const user of new Set([...Object.keys(oldUsers), ...Object.keys(newUsers)])) {
      const before = oldUsers[user];
      const after = newUsers[user];
      if (before === after) continue;
      if (after !== undefined && Number(after) > senderLevel) reject("raising above own level");
      if (before !== undefined && user !== event.sender && Number(before) >= senderLevel) reject("changing a peer");
    }
  }
};

/** The state keys an event cites as auth events (create, power levels, members, join rules). */
export function authKeysFor(spec: FakeEventSpec, version: RoomVersion): StateKey[] {
  if (spec.type === "m.room.create") return [];
  const keys = [POWER, stateKeyOf("m.room.member", spec.sender)];
  if (!version.roomIdFromCreateEvent) keys.push(CREATE);
  if (spec.type === "m.room.member") {
    keys.push(stateKeyOf("m.room.member", spec.stateKey!));
    const membership = spec.content["membership"];
    if (membership === "join" || membership === "invite" || membership === "knock") keys.push(JOIN_RULES);
  }
  return keys;
}

const JOIN = { membership: "join" };

/** Every crafted DAG starts with this room, as in Synapse's tests. */
export const INITIAL_EVENTS: readonly FakeEventSpec[] = [
  { id: "CREATE", sender: ALICE, type: "m.room.create", stateKey: "", content: { creator: ALICE } },
  { id: "IMA", sender: ALICE, type: "m.room.member", stateKey: ALICE, content: JOIN },
  { id: "IPOWER", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100 } } },
  { id: "IJR", sender: ALICE, type: "m.room.join_rules", stateKey: "", content: { join_rule: "public" } },
  { id: "IMB", sender: BOB, type: "m.room.member", stateKey: BOB, content: JOIN },
  { id: "IMC", sender: CHARLIE, type: "m.room.member", stateKey: CHARLIE, content: JOIN },
  { id: "IMZ", sender: ZARA, type: "m.room.member", stateKey: ZARA, content: JOIN },
  { id: "START", sender: ZARA, type: "m.room.message", content: {} },
  { id: "END", sender: ZARA, type: "m.room.message", content: {} },
];
export const INITIAL_EDGES = ["START", "IMZ", "IMC", "IMB", "IJR", "IPOWER", "IMA", "CREATE"];

export interface DagResult {
  readonly events: Map<string, RoomEvent>;
  /** Node ID -> event. */
  readonly nodes: Map<string, RoomEvent>;
  /** Node ID -> state after that event. */
  readonly stateAfter: Map<string, Map<StateKey, RoomEvent>>;
  /** The state sets resolved to give the state before END (one per prev event). */
  readonly endInputs: Map<StateKey, RoomEvent>[];
  readonly version: RoomVersion;
}

export interface DagOptions {
  readonly version?: RoomVersion;
  readonly authCheck?: AuthCheck;
}

/**
 * Builds the room: `edges` are chains like ["END", "MB", "MA", "PA", "START"], each
 * element's prev event being the next one. Events are processed in topological order,
 * ties broken by node ID, each stamped with the next origin_server_ts.
 */
export function buildDag(extra: readonly FakeEventSpec[], edges: readonly (readonly string[])[], options: DagOptions = {}): DagResult {
  const version = options.version ?? roomVersion("2");
  const authCheck = options.authCheck ?? simpleAuthCheck;
  const roomId = version.roomIdFromCreateEvent ? "!CREATE" : "!test:example.com";
  const eventIdOf = (node: string) => (node === "CREATE" && version.roomIdFromCreateEvent ? "$CREATE" : `$${node}:example.com`);

  const specs = new Map<string, FakeEventSpec>();
  const prevs = new Map<string, Set<string>>();
  for (const spec of [...INITIAL_EVENTS, ...extra]) {
    specs.set(spec.id, spec);
    prevs.set(spec.id, new Set());
  }
  for (const chain of [INITIAL_EDGES, ...edges]) {
    for (let i = 0; i + 1 < chain.length; i++) prevs.get(chain[i]!)!.add(chain[i + 1]!);
  }

  const events = new Map<string, RoomEvent>();
  const nodes = new Map<string, RoomEvent>();
  const stateAfter = new Map<string, Map<StateKey, RoomEvent>>();
  let endInputs: Map<StateKey, RoomEvent>[] = [];
  let ts = 0;
  for (const node of lexicographicalTopologicalSort(prevs, (a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const spec = specs.get(node)!;
    const prevNodes = [...prevs.get(node)!];
    const inputs = prevNodes.map((p) => stateAfter.get(p)!);
    if (node === "END") endInputs = inputs;
    let before: Map<StateKey, RoomEvent>;
    if (inputs.length === 0) before = new Map();
    else if (inputs.length === 1) before = new Map(inputs[0]!);
    else before = resolveState({ roomVersion: version, stateSets: inputs, eventById: (id) => events.get(id), authCheck });

    const authEvents: string[] = [];
    for (const key of new Set(authKeysFor(spec, version))) {
      const auth = before.get(key);
      if (auth !== undefined) authEvents.push(auth.eventId);
    }
    const depth = prevNodes.length === 0 ? 1 : Math.max(...prevNodes.map((p) => nodes.get(p)!.depth)) + 1;
    const event = makeEvent({
      ...spec,
      version,
      roomId,
      eventId: eventIdOf(node),
      authEvents,
      prevEvents: prevNodes.map((p) => nodes.get(p)!.eventId),
      ts: ts++,
      depth,
    });
    events.set(event.eventId, event);
    nodes.set(node, event);
    const after = new Map(before);
    if (event.stateKey !== undefined) after.set(stateKeyOf(event.type, event.stateKey), event);
    stateAfter.set(node, after);
  }
  return { events, nodes, stateAfter, endInputs, version };
}

/**
 * The state at END restricted as Synapse's do_check does: keys named in `expected` plus
 * keys whose value changed since START, as node IDs by state key.
 */
export function endStateDelta(dag: DagResult, expected: readonly string[]): Map<StateKey, string> {
  const nodeOf = new Map([...dag.nodes].map(([node, event]) => [event.eventId, node]));
  const expectedKeys = new Set(expected.map((node) => stateKeyOf(dag.nodes.get(node)!.type, dag.nodes.get(node)!.stateKey!)));
  const start = dag.stateAfter.get("START")!;
  const delta = new Map<StateKey, string>();
  for (const [key, event] of dag.stateAfter.get("END")!) {
    if (expectedKeys.has(key) || start.get(key)?.eventId !== event.eventId) delta.set(key, nodeOf.get(event.eventId)!);
  }
  return delta;
}

/** The expected delta as endStateDelta reports it. */
export function expectedDelta(dag: DagResult, expected: readonly string[]): Map<StateKey, string> {
  return new Map(expected.map((node) => [stateKeyOf(dag.nodes.get(node)!.type, dag.nodes.get(node)!.stateKey!), node]));
}

/** Map of node ID by state key, for readable assertions on a resolved state. */
export function asNodes(state: StateMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, event] of state) out[key.replace("\u0000", "|")] = event.eventId;
  return out;
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
