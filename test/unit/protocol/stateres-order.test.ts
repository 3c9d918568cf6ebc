import { expect } from "chai";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import type { RoomVersion } from "../../../components/protocol/roomversions.js";
import type { RoomEvent, StateKey, StateMap } from "../../../components/protocol/events/event.js";
import { resolveState, separateV2 } from "../../../components/protocol/stateres/index.js";
import { prng } from "./helpers/prng.js";
import { ALICE, BOB, CHARLIE, ZARA, buildDag, shuffle, simpleAuthCheck } from "./helpers/stateres-dag.js";
import type { DagResult, FakeEventSpec } from "./helpers/stateres-dag.js";
import { SCENARIOS } from "./helpers/stateres-scenarios.js";

/** The resolution as comparable data: state key -> event ID, sorted. */
function fingerprint(state: StateMap): string[] {
  return [...state].map(([key, event]) => `${key}=${event.eventId}`).sort();
}

/** Resolves `sets` many times, shuffling both the sets and each map's insertion order. */
function assertOrderIndependent(dag: DagResult, sets: Map<StateKey, RoomEvent>[], seed: number, rounds = 40): void {
  const resolve = (stateSets: StateMap[]) =>
    fingerprint(resolveState({ roomVersion: dag.version, stateSets, eventById: (id) => dag.events.get(id), authCheck: simpleAuthCheck }));
  const reference = resolve(sets);
  const random = prng(seed);
  for (let round = 0; round < rounds; round++) {
    const shuffled = shuffle(sets, random).map((set) => new Map(shuffle([...set], random)));
    expect(resolve(shuffled), `round ${round}`).to.deep.equal(reference);
  }
}

/**
 * A random room: members join, then events (topics, power level changes, bans, kicks,
 * rejoins, names) hang off one or two random earlier events, so the DAG forks and merges
 * all over; END merges several leaves.
 */
function randomRoom(seed: number, size: number, version: RoomVersion): DagResult {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const users = [ALICE, BOB, CHARLIE, ZARA];
  const specs: FakeEventSpec[] = [];
  const edges: string[][] = [];
  const ids: string[] = ["START"];
  for (let i = 0; i < size; i++) {
    const id = `R${String(i).padStart(3, "0")}`;
    const sender = pick(users);
    const kind = random();
    let spec: FakeEventSpec;
    if (kind < 0.3) spec = { id, sender, type: "m.room.topic", stateKey: "", content: { topic: id } };
    else if (kind < 0.5) {
      const levels: Record<string, number> = {};
      for (const user of users) levels[user] = pick([0, 50, 50, 100]);
      levels[ALICE] = 100;
      spec = { id, sender, type: "m.room.power_levels", stateKey: "", content: { users: levels } };
    } else if (kind < 0.6) spec = { id, sender, type: "m.room.member", stateKey: pick(users), content: { membership: "ban" } };
    else if (kind < 0.7) spec = { id, sender, type: "m.room.member", stateKey: pick(users), content: { membership: "leave" } };
    else if (kind < 0.8) spec = { id, sender, type: "m.room.member", stateKey: sender, content: { membership: "join" } };
    else if (kind < 0.9) spec = { id, sender, type: "m.room.join_rules", stateKey: "", content: { join_rule: pick(["public", "invite"]) } };
    else spec = { id, sender, type: "m.room.name", stateKey: "", content: { name: id } };
    specs.push(spec);
    edges.push([id, pick(ids)]);
    if (random() < 0.3) edges.push([id, pick(ids)]);
    ids.push(id);
  }
  const leaves = shuffle(ids.slice(-Math.max(4, size / 3)), random).slice(0, 4);
  for (const leaf of leaves) edges.push(["END", leaf]);
  return buildDag(specs, edges, { version });
}

describe("state resolution does not depend on the order of its inputs", () => {
  const cases: [string, string][] = [
    ["1", "v1"],
    ["2", "v2"],
    ["12", "v2.1"],
  ];
  for (const [versionId, algorithm] of cases) {
    const version = roomVersion(versionId);
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      it(`${algorithm}: ${name}, END's inputs plus START's state`, () => {
        const dag = buildDag(scenario.events, scenario.edges, { version });
        assertOrderIndependent(dag, [...dag.endInputs, dag.stateAfter.get("START")!], name.length * 7919);
      });
    }
    it(`${algorithm}: 20 random forked rooms`, () => {
      let conflictedKeys = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const dag = randomRoom(seed, 40, version);
        const inputs = [...dag.endInputs];
        expect(inputs.length).to.be.greaterThan(1);
        conflictedKeys += new Set([...separateV2(inputs).conflicted.values()].map((e) => `${e.type}|${e.stateKey}`)).size;
        assertOrderIndependent(dag, inputs, seed, 15);
      }
      expect(conflictedKeys, "the random rooms must actually conflict").to.be.greaterThan(40);
    });
  }
});
