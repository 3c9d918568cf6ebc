import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

const RULE = "/pushrules/global/{kind}/{ruleId}";
const ids = (rules: unknown) => (rules as Array<{ rule_id: string }>).map((r) => r.rule_id);

/** The push rules API over the spec's default ruleset. */
export function pushRuleCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);

  it("serves the spec's default ruleset at /pushrules/ and /pushrules/global/", async () => {
    const c = await client().register(uniqueName("push"));
    const { global } = (await c.expectOk("GET", "/pushrules/", { spec: "/pushrules/" })) as { global: Record<string, unknown> };
    expect(ids(global.override)).to.deep.equal([
      ".m.rule.master",
      ".m.rule.suppress_notices",
      ".m.rule.invite_for_me",
      ".m.rule.member_event",
      ".m.rule.is_user_mention",
      ".m.rule.contains_display_name",
      ".m.rule.is_room_mention",
      ".m.rule.roomnotif",
      ".m.rule.tombstone",
      ".m.rule.reaction",
      ".m.rule.room.server_acl",
      ".m.rule.suppress_edits",
    ]);
    expect(ids(global.content)).to.deep.equal([".m.rule.contains_user_name"]);
    expect(ids(global.underride)).to.deep.equal([
      ".m.rule.call",
      ".m.rule.encrypted_room_one_to_one",
      ".m.rule.room_one_to_one",
      ".m.rule.message",
      ".m.rule.encrypted",
    ]);
    expect(global.room).to.deep.equal([]);
    const invite = (global.override as Array<{ rule_id: string; conditions: Array<{ pattern?: string }> }>)[2]!;
    expect(invite.conditions[2]!.pattern).to.equal(c.userId);
    expect(await c.expectOk("GET", "/pushrules/global/", { spec: "/pushrules/global/" })).to.deep.equal(global);
    await client().expectError("GET", "/pushrules/", 401, "M_MISSING_TOKEN", { spec: "/pushrules/" });
  });

  it("adds user rules in place (before/after), below master and above the defaults, and deletes them", async () => {
    const c = await client().register(uniqueName("order"));
    const put = (kind: string, id: string, body: unknown, query?: Record<string, string>) =>
      c.expectOk("PUT", `/pushrules/global/${kind}/${id}`, { spec: RULE, body, query });
    await put("content", "cake", { pattern: "cake", actions: ["notify"] });
    await put("content", "pie", { pattern: "pie", actions: ["notify"] });
    await put("content", "tart", { pattern: "tart", actions: [] }, { after: "pie" });
    await put("content", "scone", { pattern: "scone", actions: [] }, { before: "cake" });
    const content = await c.expectOk("GET", "/pushrules/global/", { spec: "/pushrules/global/" });
    expect(ids(content.content)).to.deep.equal(["pie", "tart", "scone", "cake", ".m.rule.contains_user_name"]);
    await put("override", "quiet", { conditions: [{ kind: "event_match", key: "content.body", pattern: "shh" }], actions: [] });
    const withOverride = await c.expectOk("GET", "/pushrules/global/", { spec: "/pushrules/global/" });
    expect(ids(withOverride.override).slice(0, 3)).to.deep.equal([".m.rule.master", "quiet", ".m.rule.suppress_notices"]);
    await put("room", "!r:userapi.test", { actions: ["notify"] });
    expect(await c.expectOk("GET", `/pushrules/global/content/cake`, { spec: RULE })).to.deep.equal({
      rule_id: "cake",
      default: false,
      enabled: true,
      pattern: "cake",
      actions: ["notify"],
    });
    await c.expectOk("DELETE", "/pushrules/global/content/cake", { spec: RULE });
    await c.expectError("DELETE", "/pushrules/global/content/cake", 404, "M_NOT_FOUND", { spec: RULE });
    await c.expectError("GET", "/pushrules/global/content/cake", 404, "M_NOT_FOUND", { spec: RULE });
  });

  it("switches rules on and off and changes their actions, defaults included", async () => {
    const c = await client().register(uniqueName("toggle"));
    const master = "/pushrules/global/override/.m.rule.master";
    expect(await c.expectOk("GET", `${master}/enabled`, { spec: `${RULE}/enabled` })).to.deep.equal({ enabled: false });
    await c.expectOk("PUT", `${master}/enabled`, { spec: `${RULE}/enabled`, body: { enabled: true } });
    expect(await c.expectOk("GET", `${master}/enabled`, { spec: `${RULE}/enabled` })).to.deep.equal({ enabled: true });
    const message = "/pushrules/global/underride/.m.rule.message";
    await c.expectOk("PUT", `${message}/actions`, {
      spec: `${RULE}/actions`,
      body: { actions: ["notify", { set_tweak: "sound", value: "bell" }] },
    });
    expect(await c.expectOk("GET", `${message}/actions`, { spec: `${RULE}/actions` })).to.deep.equal({
      actions: ["notify", { set_tweak: "sound", value: "bell" }],
    });
    await c.expectError("PUT", `${master}/enabled`, 400, "M_MISSING_PARAM", { spec: `${RULE}/enabled`, body: {} });
    await c.expectError("PUT", `${master}/enabled`, 400, "M_BAD_JSON", { spec: `${RULE}/enabled`, body: { enabled: "true" } });
    await c.expectError("PUT", `${message}/actions`, 400, "M_BAD_JSON", { spec: `${RULE}/actions`, body: { actions: [{ no_tweak: 1 }] } });
    await c.expectError("GET", "/pushrules/global/override/nope/enabled", 404, "M_NOT_FOUND", { spec: `${RULE}/enabled` });
    await c.expectError("PUT", "/pushrules/global/override/nope/actions", 404, "M_NOT_FOUND", {
      spec: `${RULE}/actions`,
      body: { actions: [] },
    });
  });

  it("refuses reserved or malformed rules with 400 and leaves the ruleset unchanged", async () => {
    const c = await client().register(uniqueName("badrule"));
    const before = await c.expectOk("GET", "/pushrules/", { spec: "/pushrules/" });
    const put = (kind: string, id: string, body: unknown, status: number, errcode: string, query?: Record<string, string>) =>
      c.expectError("PUT", `/pushrules/global/${kind}/${id}`, status, errcode, { spec: RULE, body, query });
    await put("override", ".m.rule.mine", { actions: [] }, 400, "M_INVALID_PARAM");
    await put("content", "back%5Cslash", { pattern: "x", actions: [] }, 400, "M_INVALID_PARAM");
    await put("sometimes", "x", { actions: [] }, 400, "M_INVALID_PARAM");
    await put("content", "nopattern", { actions: [] }, 400, "M_BAD_JSON");
    await put("override", "noactions", { conditions: [] }, 400, "M_BAD_JSON");
    await put("override", "badcond", { conditions: [{ kind: "room_member_count", is: "lots" }], actions: [] }, 400, "M_BAD_JSON");
    await put("override", "badaction", { conditions: [], actions: ["wibble"] }, 400, "M_BAD_JSON");
    await put("content", "badaction", { pattern: "x", actions: ["notify", "dance"] }, 400, "M_BAD_JSON");
    await c.expectError("PUT", "/pushrules/global/underride/.m.rule.message/actions", 400, "M_BAD_JSON", {
      spec: `${RULE}/actions`,
      body: { actions: ["wibble"] },
    });
    await put("override", "anchored", { actions: [] }, 400, "M_INVALID_PARAM", { before: "missing" });
    await put("override", "anchored", { actions: [] }, 400, "M_INVALID_PARAM", { after: ".m.rule.master" });
    await c.expectError("DELETE", "/pushrules/global/override/.m.rule.master", 400, "M_INVALID_PARAM", { spec: RULE });
    expect(await c.expectOk("GET", "/pushrules/", { spec: "/pushrules/" })).to.deep.equal(before);
  });
}
