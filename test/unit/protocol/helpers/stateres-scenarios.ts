/** The crafted DAGs of Synapse's tests/state/test_v2.py as data, shared by the state resolution tests. */
import { ALICE, BOB, CHARLIE, EVELYN, ZARA } from "./stateres-dag.js";
import type { FakeEventSpec } from "./stateres-dag.js";

export interface Scenario {
  readonly events: FakeEventSpec[];
  readonly edges: string[][];
  readonly expected: string[];
}

/** Expectations as in Synapse: the state at END, apart from keys unchanged since START. */
export const SCENARIOS: Record<string, Scenario> = {
  ban_vs_pl: {
    events: [
      { id: "PA", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "MA", sender: ALICE, type: "m.room.member", stateKey: ALICE, content: { membership: "join" } },
      { id: "MB", sender: ALICE, type: "m.room.member", stateKey: BOB, content: { membership: "ban" } },
      { id: "PB", sender: BOB, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
    ],
    edges: [
      ["END", "MB", "MA", "PA", "START"],
      ["END", "PB", "PA"],
    ],
    expected: ["PA", "MA", "MB"],
  },
  join_rule_evasion: {
    events: [
      // "join_rules" (sic) as in the original test: the room is not public either way.
      { id: "JR", sender: ALICE, type: "m.room.join_rules", stateKey: "", content: { join_rules: "private" } },
      { id: "ME", sender: EVELYN, type: "m.room.member", stateKey: EVELYN, content: { membership: "join" } },
    ],
    edges: [
      ["END", "JR", "START"],
      ["END", "ME", "START"],
    ],
    expected: ["JR"],
  },
  offtopic_pl: {
    events: [
      { id: "PA", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      {
        id: "PB",
        sender: BOB,
        type: "m.room.power_levels",
        stateKey: "",
        content: { users: { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 50 } },
      },
      {
        id: "PC",
        sender: CHARLIE,
        type: "m.room.power_levels",
        stateKey: "",
        content: { users: { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 0 } },
      },
    ],
    edges: [
      ["END", "PC", "PB", "PA", "START"],
      ["END", "PA"],
    ],
    expected: ["PC"],
  },
  topic_basic: {
    events: [
      { id: "T1", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      { id: "PA1", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T2", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      { id: "PA2", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 0 } } },
      { id: "PB", sender: BOB, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T3", sender: BOB, type: "m.room.topic", stateKey: "", content: {} },
    ],
    edges: [
      ["END", "PA2", "T2", "PA1", "T1", "START"],
      ["END", "T3", "PB", "PA1"],
    ],
    expected: ["PA2", "T2"],
  },
  topic_reset: {
    events: [
      { id: "T1", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      { id: "PA", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T2", sender: BOB, type: "m.room.topic", stateKey: "", content: {} },
      { id: "MB", sender: ALICE, type: "m.room.member", stateKey: BOB, content: { membership: "ban" } },
    ],
    edges: [
      ["END", "MB", "T2", "PA", "T1", "START"],
      ["END", "T1"],
    ],
    expected: ["T1", "MB", "PA"],
  },
  topic: {
    events: [
      { id: "T1", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      { id: "PA1", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T2", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      { id: "PA2", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 0 } } },
      { id: "PB", sender: BOB, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T3", sender: BOB, type: "m.room.topic", stateKey: "", content: {} },
      { id: "MZ1", sender: ZARA, type: "m.room.message", content: {} },
      { id: "T4", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
    ],
    edges: [
      ["END", "T4", "MZ1", "PA2", "T2", "PA1", "T1", "START"],
      ["END", "MZ1", "T3", "PB", "PA1"],
    ],
    expected: ["T4", "PA2"],
  },
  mainline_sort: {
    events: [
      { id: "T1", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      { id: "PA1", sender: ALICE, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T2", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
      {
        id: "PA2",
        sender: ALICE,
        type: "m.room.power_levels",
        stateKey: "",
        content: { users: { [ALICE]: 100, [BOB]: 50 }, events: { "m.room.power_levels": 100 } },
      },
      { id: "PB", sender: BOB, type: "m.room.power_levels", stateKey: "", content: { users: { [ALICE]: 100, [BOB]: 50 } } },
      { id: "T3", sender: BOB, type: "m.room.topic", stateKey: "", content: {} },
      { id: "T4", sender: ALICE, type: "m.room.topic", stateKey: "", content: {} },
    ],
    edges: [
      ["END", "T3", "PA2", "T2", "PA1", "T1", "START"],
      ["END", "T4", "PB", "PA1"],
    ],
    // T3 wins: the other topics cite older power levels. By timestamp alone T4 would.
    expected: ["T3", "PA2"],
  },
};
