import { expect } from "chai";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { stateKeyOf } from "../../../components/protocol/events/event.js";
import type { JsonObject, RoomEvent, StateKey } from "../../../components/protocol/events/event.js";
import { conflictedSubgraph, resolveState } from "../../../components/protocol/stateres/index.js";
import { ALICE, BOB, CHARLIE, EVELYN, ZARA, makeEvent, simpleAuthCheck } from "./helpers/stateres-dag.js";

/**
 * Room v12 scenarios from Synapse's tests/state/test_v21.py (MSC4297): create events are
 * implied by the room ID, not listed in auth_events.
 */
const V12 = roomVersion("12");
const ROOM = "!CREATE";

function room() {
  const events = new Map<string, RoomEvent>();
  let ts = 0;
  const add = (id: string, type: string, stateKey: string, sender: string, content: JsonObject, authEvents: string[] = []) => {
    const event = makeEvent({
      id,
      eventId: type === "m.room.create" ? "$CREATE" : `$${id}`,
      type,
      stateKey,
      sender,
      content,
      authEvents,
      version: V12,
      roomId: ROOM,
      ts: ++ts,
    });
    events.set(event.eventId, event);
    return event;
  };
  const state = (...list: RoomEvent[]) => new Map<StateKey, RoomEvent>(list.map((e) => [stateKeyOf(e.type, e.stateKey!), e]));
  const resolve = (sets: Map<StateKey, RoomEvent>[], version = V12) =>
    resolveState({ roomVersion: version, stateSets: sets, eventById: (id) => events.get(id), authCheck: simpleAuthCheck });
  return { events, add, state, resolve };
}

const JOIN = { membership: "join" };

describe("state resolution v2.1 (room v12)", () => {
  it("replays the conflicted subgraph, so a rename citing old power levels cannot reset state", () => {
    const { add, state, resolve, events } = room();
    const create = add("CREATE", "m.room.create", "", ALICE, {});
    const ma = add("MA", "m.room.member", ALICE, ALICE, JOIN);
    const power1 = add("P1", "m.room.power_levels", "", ALICE, { users: {} }, [ma.eventId]);
    const jr = add("JR", "m.room.join_rules", "", ALICE, { join_rule: "public" }, [ma.eventId, power1.eventId]);
    const mb = add("MB", "m.room.member", BOB, BOB, JOIN, [power1.eventId, jr.eventId]);
    const mc = add("MC", "m.room.member", CHARLIE, CHARLIE, JOIN, [power1.eventId, jr.eventId]);
    const power2 = add("P2", "m.room.power_levels", "", ALICE, { users: { [BOB]: 50 } }, [ma.eventId, power1.eventId]);
    const power3 = add("P3", "m.room.power_levels", "", BOB, { users: { [BOB]: 50, [CHARLIE]: 50 } }, [mb.eventId, power2.eventId]);
    const me1 = add("ME1", "m.room.member", EVELYN, EVELYN, JOIN, [power3.eventId, jr.eventId]);
    const me2 = add("ME2", "m.room.member", EVELYN, EVELYN, JOIN, [power1.eventId, jr.eventId, me1.eventId]);
    const mz = add("MZ", "m.room.member", ZARA, ZARA, JOIN, [power3.eventId, jr.eventId]);

    const dodgy = state(create, ma, mb, mc, me2, power1, jr);
    const sensible = state(create, ma, mb, mc, mz, power3, jr);
    const expected = state(create, ma, mb, mc, me1, mz, power3, jr);

    // Everything on an auth path between conflicted events, e.g. ME2 -> ME1 -> P3 -> MB -> P1;
    // the create event is beneath them all but leads to no conflicted event.
    const subgraph = conflictedSubgraph(new Set([me2, power1, mz, power3].map((e) => e.eventId)), (id) => events.get(id));
    expect([...subgraph].sort()).to.deep.equal(["$JR", "$MB", "$ME1", "$ME2", "$MZ", "$P1", "$P2", "$P3"].sort());
    expect(subgraph.has(create.eventId)).to.equal(false);

    const resolved = resolve([dodgy, sensible]);
    expect(new Map([...resolved].map(([k, e]) => [k, e.eventId]))).to.deep.equal(new Map([...expected].map(([k, e]) => [k, e.eventId])));
    // Without the subgraph (v2), ME1 never enters the full conflicted set and the dodgy
    // rename wins.
    const v11Like = { ...V12, stateResolution: "v2" as const };
    expect(resolve([dodgy, sensible], v11Like).get(stateKeyOf("m.room.member", EVELYN))?.eventId).to.equal(me2.eventId);
  });

  it("starts from empty state, so conflicted join rules do not reset when their senders left", () => {
    const { add, state, resolve } = room();
    const create = add("CREATE", "m.room.create", "", ALICE, {});
    const ma1 = add("MA1", "m.room.member", ALICE, ALICE, JOIN);
    const power = add("P", "m.room.power_levels", "", ALICE, { users: { [BOB]: 100 } }, [ma1.eventId]);
    const jr1 = add("JR1", "m.room.join_rules", "", ALICE, { join_rule: "public" }, [ma1.eventId, power.eventId]);
    const mb = add("MB", "m.room.member", BOB, BOB, JOIN, [power.eventId, jr1.eventId]);
    const jr2 = add("JR2", "m.room.join_rules", "", ALICE, { join_rule: "invite" }, [ma1.eventId, power.eventId]);
    const ma2 = add("MA2", "m.room.member", ALICE, ALICE, { membership: "leave" }, [power.eventId, ma1.eventId]);

    const correct = state(create, ma2, mb, power, jr2);
    const incorrect = state(create, ma2, mb, power, jr1);

    const resolved = resolve([correct, incorrect]);
    expect(resolved.get(stateKeyOf("m.room.join_rules", ""))?.eventId).to.equal(jr2.eventId);
    expect(resolved.get(stateKeyOf("m.room.member", ALICE))?.eventId).to.equal(ma2.eventId);

    // The bug v2.1 fixes: v2 auths both join rules against Alice's unconflicted leave,
    // rejects them, and the room loses its join rules.
    const v11Like = { ...V12, stateResolution: "v2" as const };
    expect(resolve([correct, incorrect], v11Like).has(stateKeyOf("m.room.join_rules", ""))).to.equal(false);
  });
});
