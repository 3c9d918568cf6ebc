import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

const FIELD = "/profile/{userId}/{keyName}";
const GLOBAL_DATA = "/user/{userId}/account_data/{type}";
const ROOM_DATA = "/user/{userId}/rooms/{roomId}/account_data/{type}";

/** Profiles, account data and filters. */
export function profileAndDataCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);
  const enc = encodeURIComponent;

  it("reads and writes profile fields: displayname, avatar_url, m.tz, custom; deletes them", async () => {
    const c = await client().register(uniqueName("prof"));
    const me = enc(c.userId);
    const localpart = c.userId.slice(1).split(":")[0]!;
    expect(await client().expectOk("GET", `/profile/${me}`, { spec: "/profile/{userId}" })).to.deep.equal({ displayname: localpart });
    await c.expectOk("PUT", `/profile/${me}/displayname`, { spec: FIELD, body: { displayname: "Alice A." } });
    await c.expectOk("PUT", `/profile/${me}/avatar_url`, { spec: FIELD, body: { avatar_url: "mxc://userapi.test/abc" } });
    await c.expectOk("PUT", `/profile/${me}/m.tz`, { spec: FIELD, body: { "m.tz": "Europe/Berlin" } });
    await c.expectOk("PUT", `/profile/${me}/org.example.pet`, { spec: FIELD, body: { "org.example.pet": { kind: "cat" } } });
    expect(await client().expectOk("GET", `/profile/${me}`, { spec: "/profile/{userId}" })).to.deep.equal({
      displayname: "Alice A.",
      avatar_url: "mxc://userapi.test/abc",
      "m.tz": "Europe/Berlin",
      "org.example.pet": { kind: "cat" },
    });
    expect(await client().expectOk("GET", `/profile/${me}/displayname`, { spec: FIELD })).to.deep.equal({ displayname: "Alice A." });
    await c.expectOk("DELETE", `/profile/${me}/org.example.pet`, { spec: FIELD });
    await client().expectError("GET", `/profile/${me}/org.example.pet`, 404, "M_NOT_FOUND", { spec: FIELD });
    await client().expectError("GET", `/profile/${enc(`@${uniqueName("nobody")}:${server().serverName}`)}`, 404, "M_NOT_FOUND", {
      spec: "/profile/{userId}",
    });
  });

  it("answers an unset display name or avatar of an existing user with null, not 404 (as Synapse); no user is 404", async () => {
    const c = await client().register(uniqueName("noavatar"));
    const me = enc(c.userId);
    expect(await client().expectOk("GET", `/profile/${me}/avatar_url`, { spec: FIELD })).to.deep.equal({ avatar_url: null });
    await c.expectOk("DELETE", `/profile/${me}/displayname`, { spec: FIELD });
    expect(await client().expectOk("GET", `/profile/${me}/displayname`, { spec: FIELD })).to.deep.equal({ displayname: null });
    const nobody = enc(`@${uniqueName("nobody")}:${server().serverName}`);
    await client().expectError("GET", `/profile/${nobody}/avatar_url`, 404, "M_NOT_FOUND", { spec: FIELD });
    await client().expectError("GET", `/profile/${nobody}/displayname`, 404, "M_NOT_FOUND", { spec: FIELD });
  });

  it("refuses bad profile writes with the spec's errors and keeps the profile", async () => {
    const c = await client().register(uniqueName("badprof"));
    const other = await client().register(uniqueName("victim"));
    const me = enc(c.userId);
    await c.expectOk("PUT", `/profile/${me}/displayname`, { spec: FIELD, body: { displayname: "Kept" } });
    await c.expectError("PUT", `/profile/${enc(other.userId)}/displayname`, 403, "M_FORBIDDEN", {
      spec: FIELD,
      body: { displayname: "Hacked" },
    });
    await c.expectError("PUT", `/profile/${me}/Not_A_Key`, 400, "M_INVALID_PARAM", { spec: FIELD, body: { Not_A_Key: 1 } });
    await c.expectError("PUT", `/profile/${me}/${"a.b".repeat(100)}`, 400, "M_KEY_TOO_LARGE", {
      spec: FIELD,
      body: { ["a.b".repeat(100)]: 1 },
    });
    await c.expectError("PUT", `/profile/${me}/displayname`, 400, "M_MISSING_PARAM", { spec: FIELD, body: { avatar_url: "mxc://x/y" } });
    await c.expectError("PUT", `/profile/${me}/displayname`, 400, "M_BAD_JSON", { spec: FIELD, body: { displayname: 42 } });
    await c.expectError("PUT", `/profile/${me}/avatar_url`, 400, "M_INVALID_PARAM", {
      spec: FIELD,
      body: { avatar_url: "https://x/y.png" },
    });
    await c.expectError("PUT", `/profile/${me}/org.example.big`, 400, "M_PROFILE_TOO_LARGE", {
      spec: FIELD,
      body: { "org.example.big": "x".repeat(70_000) },
    });
    await c.expectError("PUT", `/profile/${me}/displayname`, 401, "M_MISSING_TOKEN", {
      spec: FIELD,
      token: null,
      body: { displayname: "x" },
    });
    expect(await client().expectOk("GET", `/profile/${me}`, { spec: "/profile/{userId}" })).to.deep.equal({ displayname: "Kept" });
    expect(await client().expectOk("GET", `/profile/${enc(other.userId)}`, { spec: "/profile/{userId}" })).to.not.have.property(
      "displayname",
      "Hacked",
    );
  });

  it("stores global and per-room account data, only for oneself", async () => {
    const c = await client().register(uniqueName("data"));
    const other = await client().register(uniqueName("peer"));
    const me = enc(c.userId);
    const room = enc("!room:userapi.test");
    await c.expectOk("PUT", `/user/${me}/account_data/org.example.settings`, { spec: GLOBAL_DATA, body: { theme: "dark" } });
    await c.expectOk("PUT", `/user/${me}/rooms/${room}/account_data/m.tag`, { spec: ROOM_DATA, body: { tags: { "m.favourite": {} } } });
    expect(await c.expectOk("GET", `/user/${me}/account_data/org.example.settings`, { spec: GLOBAL_DATA })).to.deep.equal({
      theme: "dark",
    });
    expect(await c.expectOk("GET", `/user/${me}/rooms/${room}/account_data/m.tag`, { spec: ROOM_DATA })).to.deep.equal({
      tags: { "m.favourite": {} },
    });
    await c.expectError("GET", `/user/${me}/account_data/m.tag`, 404, "M_NOT_FOUND", { spec: GLOBAL_DATA });
    await c.expectError("GET", `/user/${me}/rooms/${room}/account_data/org.example.settings`, 404, "M_NOT_FOUND", { spec: ROOM_DATA });
    await other.expectError("GET", `/user/${me}/account_data/org.example.settings`, 403, "M_FORBIDDEN", { spec: GLOBAL_DATA });
    await other.expectError("PUT", `/user/${me}/account_data/org.example.settings`, 403, "M_FORBIDDEN", { spec: GLOBAL_DATA, body: {} });
    await c.expectError("PUT", `/user/${me}/rooms/not-a-room/account_data/m.tag`, 400, "M_INVALID_PARAM", { spec: ROOM_DATA, body: {} });
    await c.expectError("GET", `/user/${me}/rooms/not-a-room/account_data/m.tag`, 400, "M_INVALID_PARAM", { spec: ROOM_DATA });
    await c.expectError("PUT", `/user/${me}/account_data/m.push_rules`, 405, "M_BAD_JSON", { spec: GLOBAL_DATA, body: {} });
    await c.expectError("PUT", `/user/${me}/rooms/${room}/account_data/m.fully_read`, 405, "M_BAD_JSON", {
      spec: ROOM_DATA,
      body: { event_id: "$x" },
    });
    await c.expectError("PUT", `/user/${me}/account_data/org.example.settings`, 400, "M_BAD_JSON", {
      spec: GLOBAL_DATA,
      rawBody: '"a string"',
    });
    expect(await c.expectOk("GET", `/user/${me}/account_data/org.example.settings`, { spec: GLOBAL_DATA })).to.deep.equal({
      theme: "dark",
    });
  });

  it("uploads filters, returns them, and refuses malformed ones", async () => {
    const c = await client().register(uniqueName("filter"));
    const other = await client().register(uniqueName("nosy"));
    const me = enc(c.userId);
    const filter = {
      room: { timeline: { limit: 10, types: ["m.room.message"] }, state: { lazy_load_members: true } },
      event_format: "client",
    };
    const { filter_id } = await c.expectOk("POST", `/user/${me}/filter`, { spec: "/user/{userId}/filter", body: filter });
    expect(filter_id).to.be.a("string");
    expect(await c.expectOk("GET", `/user/${me}/filter/${filter_id}`, { spec: "/user/{userId}/filter/{filterId}" })).to.deep.equal(filter);
    await other.expectError("GET", `/user/${me}/filter/${filter_id}`, 403, "M_FORBIDDEN", { spec: "/user/{userId}/filter/{filterId}" });
    await c.expectError("GET", `/user/${me}/filter/999999`, 404, "M_NOT_FOUND", { spec: "/user/{userId}/filter/{filterId}" });
    await c.expectError("GET", `/user/${me}/filter/not-a-number`, 404, "M_NOT_FOUND", { spec: "/user/{userId}/filter/{filterId}" });
    for (const bad of [
      { event_format: "xml" },
      { room: { timeline: { limit: "ten" } } },
      { room: { rooms: "!a:b" } },
      { presence: { types: [1] } },
      { event_fields: "content" },
      { room: { include_leave: "yes" } },
    ]) {
      await c.expectError("POST", `/user/${me}/filter`, 400, "M_BAD_JSON", { spec: "/user/{userId}/filter", body: bad });
    }
    await other.expectError("POST", `/user/${me}/filter`, 403, "M_FORBIDDEN", { spec: "/user/{userId}/filter", body: {} });
  });
}
