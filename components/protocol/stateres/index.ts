/**
 * State resolution: given several room states (typically the states after each forward
 * extremity), decide the one state the room is in. Pure and synchronous: the caller
 * preloads the auth chains and supplies the authorisation rules.
 *
 * The algorithm is chosen by the room version table (`RoomVersion.stateResolution`).
 */
import { resolveStateV1 } from "./v1.js";
import { resolveStateV2 } from "./v2.js";
import type { RoomVersion } from "../roomversions.js";
import type { ResolvedState, StateResolutionInput } from "./types.js";

export type { AuthCheck, EventLookup, ResolvedState, StateResolutionInput } from "./types.js";
export { authChain, authDifference, conflictedSubgraph } from "./auth-chain.js";
export { authEventIdsOf } from "./auth-events.js";
export { iterativeAuthChecks, LayeredState } from "./iterative.js";
export { mainlineOrder } from "./mainline.js";
export { isPowerEvent, senderPowerLevel } from "./power.js";
export { lexicographicalTopologicalSort } from "./topological.js";
export { resolveStateV1 } from "./v1.js";
export { resolveStateV2, separateV2, sortedPowerEvents } from "./v2.js";

const ALGORITHMS: Readonly<Record<RoomVersion["stateResolution"], (input: StateResolutionInput) => ResolvedState>> = {
  v1: resolveStateV1,
  v2: (input) => resolveStateV2(input, "v2"),
  "v2.1": (input) => resolveStateV2(input, "v2.1"),
};

/** Resolves `input.stateSets` into one state with the algorithm of `input.roomVersion`. */
export function resolveState(input: StateResolutionInput): ResolvedState {
  return ALGORITHMS[input.roomVersion.stateResolution](input);
}
