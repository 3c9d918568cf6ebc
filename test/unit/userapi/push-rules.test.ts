import { expect } from "chai";
import { UserApiError } from "../../../components/userapi/api/errors.js";
import { pushRuleUpdateProblem, userRuleIdProblem } from "../../../components/userapi/api/push-rules.js";
import {
  assembleRuleset,
  changeRule,
  deleteRule,
  EMPTY_PUSH_RULES,
  putRule,
  type StoredPushRules,
} from "../../../components/userapi/push-rules/ruleset.js";

const USER = "@alice:example.org";
const ids = (stored: StoredPushRules, kind: "override" | "content" | "underride") =>
  assembleRuleset(stored, USER, "alice")[kind].map((r) => r.rule_id);
const content = (pattern: string) => ({ pattern, actions: ["notify"] });

function expectError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(UserApiError);
    expect((err as UserApiError).code).to.equal(code);
    return;
  }
  throw new Error(`expected UserApiError ${code}`);
}

describe("userapi: push rule ordering", () => {
  it("puts the user's rules after .m.rule.master and before the other defaults", () => {
    const stored = putRule(EMPTY_PUSH_RULES, "override", "mine", { actions: [], conditions: [] }, {});
    expect(ids(stored, "override").slice(0, 3)).to.deep.equal([".m.rule.master", "mine", ".m.rule.suppress_notices"]);
    expect(ids(stored, "underride").at(-1)).to.equal(".m.rule.encrypted");
  });

  it("adds a new rule as the most important of its kind, and places with before/after", () => {
    let stored = putRule(EMPTY_PUSH_RULES, "content", "a", content("a"), {});
    stored = putRule(stored, "content", "b", content("b"), {});
    expect(ids(stored, "content")).to.deep.equal(["b", "a", ".m.rule.contains_user_name"]);
    stored = putRule(stored, "content", "c", content("c"), { after: "b" });
    stored = putRule(stored, "content", "d", content("d"), { before: "b" });
    expect(ids(stored, "content").slice(0, 4)).to.deep.equal(["d", "b", "c", "a"]);
    // before wins when both are given
    stored = putRule(stored, "content", "e", content("e"), { before: "a", after: "d" });
    expect(ids(stored, "content").slice(0, 5)).to.deep.equal(["d", "b", "c", "e", "a"]);
  });

  it("replaces an existing rule in place, keeping its enabled state, unless moved", () => {
    let stored = putRule(EMPTY_PUSH_RULES, "content", "a", content("a"), {});
    stored = putRule(stored, "content", "b", content("b"), {});
    stored = changeRule(stored, "content", "a", { enabled: false }, USER, "alice");
    stored = putRule(stored, "content", "a", content("a2"), {});
    const rule = assembleRuleset(stored, USER, "alice").content.find((r) => r.rule_id === "a")!;
    expect(rule).to.deep.include({ pattern: "a2", enabled: false });
    expect(ids(stored, "content").slice(0, 2)).to.deep.equal(["b", "a"]);
    stored = putRule(stored, "content", "a", content("a3"), { before: "b" });
    expect(ids(stored, "content").slice(0, 2)).to.deep.equal(["a", "b"]);
  });

  it("refuses anchors that are not user rules of the kind, and a rule anchored to itself", () => {
    const stored = putRule(EMPTY_PUSH_RULES, "content", "a", content("a"), {});
    expectError(() => putRule(stored, "content", "b", content("b"), { before: "missing" }), "INVALID_PARAM");
    expectError(() => putRule(stored, "content", "b", content("b"), { after: ".m.rule.contains_user_name" }), "INVALID_PARAM");
    expectError(() => putRule(stored, "content", "a", content("a"), { before: "a" }), "INVALID_PARAM");
  });

  it("changes defaults without copying them, and deletes only user rules", () => {
    let stored = changeRule(EMPTY_PUSH_RULES, "override", ".m.rule.master", { enabled: true }, USER, "alice");
    stored = changeRule(stored, "underride", ".m.rule.message", { actions: [] }, USER, "alice");
    const ruleset = assembleRuleset(stored, USER, "alice");
    expect(ruleset.override[0]).to.deep.include({ rule_id: ".m.rule.master", enabled: true });
    expect(ruleset.underride.find((r) => r.rule_id === ".m.rule.message")!.actions).to.deep.equal([]);
    expectError(() => changeRule(stored, "override", ".m.rule.nonexistent", { enabled: true }, USER, "alice"), "NOT_FOUND");
    expectError(() => deleteRule(stored, "override", ".m.rule.master"), "INVALID_PARAM");
    expectError(() => deleteRule(stored, "content", "nothing"), "NOT_FOUND");
    const withRule = putRule(stored, "room", "!r:example.org", { actions: ["notify"] }, {});
    expect(assembleRuleset(deleteRule(withRule, "room", "!r:example.org"), USER, "alice").room).to.deep.equal([]);
  });

  it("fills the user's ID and localpart into the defaults that name them", () => {
    const ruleset = assembleRuleset(EMPTY_PUSH_RULES, USER, "alice");
    expect(ruleset.content[0]!.pattern).to.equal("alice");
    expect(JSON.stringify(ruleset.override.find((r) => r.rule_id === ".m.rule.is_user_mention"))).to.contain(USER);
  });

  it("checks rule IDs and rule bodies", () => {
    expect(userRuleIdProblem(".m.rule.x")).to.match(/reserved/);
    expect(userRuleIdProblem("a/b")).to.match(/'\/'/);
    expect(userRuleIdProblem("fine")).to.equal(null);
    expect(pushRuleUpdateProblem("content", { actions: [] })).to.match(/pattern/);
    expect(pushRuleUpdateProblem("override", { actions: "notify" })).to.match(/array/);
    expect(pushRuleUpdateProblem("override", { actions: [{ value: 1 }] })).to.match(/set_tweak/);
    expect(pushRuleUpdateProblem("override", { actions: ["wibble"] })).to.match(/unknown action "wibble"/);
    expect(pushRuleUpdateProblem("override", { actions: ["dont_notify", "coalesce", "notify"] })).to.equal(null);
    expect(pushRuleUpdateProblem("override", { actions: [], conditions: [{ kind: "event_match", key: "type" }] })).to.match(/pattern/);
    expect(pushRuleUpdateProblem("override", { actions: [], conditions: [{ kind: "org.example.future" }] })).to.equal(null);
    expect(pushRuleUpdateProblem("underride", { actions: ["notify"], conditions: [{ kind: "room_member_count", is: ">=2" }] })).to.equal(
      null,
    );
  });
});
