import { expect } from "chai";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { checkAuth } from "../../../components/protocol/auth/rules.js";
import type { JsonObject } from "../../../components/protocol/events/event.js";
import type { AuthCheck } from "../../../components/protocol/stateres/index.js";
import { ALICE, buildDag, endStateDelta, expectedDelta } from "./helpers/stateres-dag.js";
import type { FakeEventSpec } from "./helpers/stateres-dag.js";
import { SCENARIOS } from "./helpers/stateres-scenarios.js";

/** The crafted DAGs again, authorised by the real rules of components/protocol/auth. */
const realAuth: AuthCheck = (event, state) => checkAuth(event, state);

/** Room v12 forbids listing creators in power levels (they have infinite power anyway). */
function withoutCreatorLevels(spec: FakeEventSpec): FakeEventSpec {
  if (spec.type !== "m.room.power_levels") return spec;
  const users = { ...(spec.content["users"] as JsonObject) };
  delete users[ALICE];
  return { ...spec, content: { ...spec.content, users } };
}

describe("state resolution with the real authorization rules", () => {
  for (const versionId of ["2", "11", "12"]) {
    const version = roomVersion(versionId);
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      it(`${name} (room v${versionId}, ${version.stateResolution})`, () => {
        const events = version.privilegedCreators ? scenario.events.map(withoutCreatorLevels) : scenario.events;
        const dag = buildDag(events, scenario.edges, { version, authCheck: realAuth });
        expect(endStateDelta(dag, scenario.expected)).to.deep.equal(expectedDelta(dag, scenario.expected));
      });
    }
  }

  it("v1 rooms resolve the crafted DAGs as with the simplified rules", () => {
    for (const scenario of Object.values(SCENARIOS)) {
      const simple = buildDag(scenario.events, scenario.edges, { version: roomVersion("1") });
      const real = buildDag(scenario.events, scenario.edges, { version: roomVersion("1"), authCheck: realAuth });
      expect(endStateDelta(real, [])).to.deep.equal(endStateDelta(simple, []));
    }
  });
});
