import { expect } from "chai";
import { readableRoomState, type MembershipChange } from "../../../components/protocol/visibility/state-access.js";

/** A history of event IDs named after their place: "join" at "$1", "leave" at "$2", ... */
function history(...memberships: string[]): MembershipChange<string>[] {
  return memberships.map((membership, i) => ({ membership, at: `$${i + 1}` }));
}

describe("protocol/visibility/state-access", () => {
  const cases: Array<[string, string[], boolean, ReturnType<typeof readableRoomState<string>>]> = [
    ["a member reads the current state", ["join"], false, { state: "current" }],
    ["a member who left and rejoined reads the current state", ["join", "leave", "join"], false, { state: "current" }],
    ["anyone reads the current state of a world_readable room", [], true, { state: "current" }],
    ["a former member reads the current state of a world_readable room", ["join", "leave"], true, { state: "current" }],
    ["a user who never had a membership is refused", [], false, { state: "forbidden" }],
    ["an invited user who never joined is refused", ["invite"], false, { state: "forbidden" }],
    ["a user who rejected an invite is refused", ["invite", "leave"], false, { state: "forbidden" }],
    ["a user banned before joining is refused", ["ban"], false, { state: "forbidden" }],
    ["a user who left reads the state when they left", ["invite", "join", "leave"], false, { state: "at", at: "$3" }],
    ["a kicked or banned member reads the state at the kick or ban", ["join", "ban"], false, { state: "at", at: "$2" }],
    [
      "a former member invited again reads the state when they left, not at the invite",
      ["join", "leave", "invite"],
      false,
      { state: "at", at: "$2" },
    ],
    [
      "a former member who rejected a later invite reads the state when they left",
      ["join", "leave", "invite", "leave"],
      false,
      { state: "at", at: "$2" },
    ],
    ["a former member who knocks reads the state when they left", ["join", "leave", "knock"], false, { state: "at", at: "$2" }],
    [
      "only the latest membership counts: the state when they last left",
      ["join", "leave", "join", "ban"],
      false,
      { state: "at", at: "$4" },
    ],
  ];
  for (const [title, memberships, worldReadable, expected] of cases) {
    it(title, () => expect(readableRoomState({ history: history(...memberships), worldReadable })).to.deep.equal(expected));
  }

  it("locates the change by whatever the caller uses (stream positions)", () => {
    const positions = [
      { membership: "join", at: 10 },
      { membership: "leave", at: 42 },
      { membership: "invite", at: 97 },
    ];
    expect(readableRoomState({ history: positions, worldReadable: false })).to.deep.equal({ state: "at", at: 42 });
  });

  it("gives the same answer for a history cut at the latest join", () => {
    const full = history("join", "leave", "invite", "join", "leave", "invite");
    for (const worldReadable of [false, true]) {
      expect(readableRoomState({ history: full.slice(3), worldReadable })).to.deep.equal(
        readableRoomState({ history: full, worldReadable }),
      );
    }
    expect(readableRoomState({ history: full.slice(3), worldReadable: false })).to.deep.equal({ state: "at", at: "$5" });
  });
});
