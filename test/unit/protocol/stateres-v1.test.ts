import { expect } from "chai";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { stateKeyOf } from "../../../components/protocol/events/event.js";
import { resolveState } from "../../../components/protocol/stateres/index.js";
import { ALICE, BOB, EVELYN, buildDag, simpleAuthCheck } from "./helpers/stateres-dag.js";
import { SCENARIOS } from "./helpers/stateres-scenarios.js";

const V1 = roomVersion("1");
const member = (user: string) => stateKeyOf("m.room.member", user);
const POWER = stateKeyOf("m.room.power_levels", "");
const TOPIC = stateKeyOf("m.room.topic", "");

describe("state resolution v1 (room v1)", () => {
  it("resolves power levels by ascending depth, stopping at the first the rules reject", () => {
    const { events, edges } = SCENARIOS["topic_basic"]!;
    const dag = buildDag(events, edges, { version: V1 });
    const end = dag.stateAfter.get("END")!;
    // PB (shallower) first, then PA2 authorised on top of it; the deeper topic T3 by Bob
    // fails against PA2 and the next one down, Alice's T2, wins.
    expect(end.get(POWER)?.eventId).to.equal(dag.nodes.get("PA2")!.eventId);
    expect(end.get(TOPIC)?.eventId).to.equal(dag.nodes.get("T2")!.eventId);
  });

  it("resolves memberships without seeing each other, which is how v1 loses ban_vs_pl's ban", () => {
    const { events, edges } = SCENARIOS["ban_vs_pl"]!;
    const dag = buildDag(events, edges, { version: V1 });
    const end = dag.stateAfter.get("END")!;
    // Bob's racing PL change is judged while Bob's membership is still conflicted, so
    // fails; Alice's ban is judged while her own membership is conflicted, so fails too.
    expect(end.get(POWER)?.eventId).to.equal(dag.nodes.get("PA")!.eventId);
    expect(end.get(member(ALICE))?.eventId).to.equal(dag.nodes.get("MA")!.eventId);
    expect(end.get(member(BOB))?.eventId).to.equal(dag.nodes.get("IMB")!.eventId);
  });

  it("does not count a key missing from some state sets as a conflict", () => {
    const { events, edges } = SCENARIOS["join_rule_evasion"]!;
    const dag = buildDag(events, edges, { version: V1 });
    // Evelyn's join (not allowed) is only in one branch, so v1 keeps it unexamined; v2 would drop it.
    const end = dag.stateAfter.get("END")!;
    expect(end.get(member(EVELYN))?.eventId).to.equal(dag.nodes.get("ME")!.eventId);
    const v2 = resolveState({
      roomVersion: roomVersion("2"),
      stateSets: dag.endInputs,
      eventById: (id) => dag.events.get(id),
      authCheck: simpleAuthCheck,
    });
    expect(v2.has(member(EVELYN))).to.equal(false);
  });

  it("keeps the shallowest event when no candidate of an ordinary key passes auth", () => {
    const { events, edges } = SCENARIOS["topic_basic"]!;
    const dag = buildDag(events, edges, { version: V1 });
    const lookup = (id: string) => dag.events.get(id);
    const denyTopics: typeof simpleAuthCheck = (event, state) => {
      if (event.type === "m.room.topic") simpleAuthCheck({ ...event, sender: EVELYN }, state);
      else simpleAuthCheck(event, state);
    };
    const resolved = resolveState({ roomVersion: V1, stateSets: dag.endInputs, eventById: lookup, authCheck: denyTopics });
    const t2 = dag.nodes.get("T2")!;
    const t3 = dag.nodes.get("T3")!;
    expect(t2.depth).to.be.lessThan(t3.depth);
    expect(resolved.get(TOPIC)?.eventId).to.equal(t2.eventId);
  });
});
