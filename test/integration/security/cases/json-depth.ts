import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { deepArray, deepJson, jsonWith } from "../../../../testing/hostile-json.js";
import { roomPath, SyncClient, type Json } from "../../../../testing/sync-client.js";

const enc = encodeURIComponent;
/** The nesting limit of every JSON body and stored value (docs/architecture.md). */
const LIMIT = 256;
/** Deep enough that a recursive JSON.stringify overflows the stack (issue 12 saw ~5,000). */
const VERY_DEEP = 20_000;

/**
 * Issue 12, item 3: JSON nested deeper than the limit is 400 M_BAD_JSON on every route the
 * issue lists, never a 500 from a stack overflow; a value at the limit is taken.
 */
export function jsonDepthCases(server: () => Deployment): void {
  it(`account data and room account data: ${LIMIT} levels stored, deeper 400 M_BAD_JSON`, async () => {
    const a = await SyncClient.make(server());
    const roomId = await a.createRoom();
    const global = `/user/${enc(a.userId)}/account_data/org.example.deep`;
    const perRoom = `/user/${enc(a.userId)}/rooms/${enc(roomId)}/account_data/org.example.deep`;
    for (const path of [global, perRoom]) {
      await a.expectOk("PUT", path, { rawBody: deepJson(LIMIT) });
      const stored = await a.expectOk("GET", path);
      let depth = 1;
      for (let v: Json = stored; Object.keys(v).length > 0; v = v.a) depth++;
      expect(depth).to.equal(LIMIT);
      await a.expectError("PUT", path, 400, "M_BAD_JSON", { rawBody: deepJson(LIMIT + 1) });
      await a.expectError("PUT", path, 400, "M_BAD_JSON", { rawBody: deepJson(VERY_DEEP) });
      await a.expectError("PUT", path, 400, "M_BAD_JSON", { rawBody: jsonWith({}, "v", deepArray(VERY_DEEP)) });
    }
  });

  it("filters, custom profile fields, push rules: 400 M_BAD_JSON", async () => {
    const a = await SyncClient.make(server());
    await a.expectError("POST", `/user/${enc(a.userId)}/filter`, 400, "M_BAD_JSON", { rawBody: jsonWith({}, "room", deepJson(VERY_DEEP)) });
    await a.expectError("GET", "/sync", 400, "M_BAD_JSON", { query: { filter: deepJson(600) } });
    const field = `/profile/${enc(a.userId)}/org.example.deep`;
    await a.expectError("PUT", field, 400, "M_BAD_JSON", { rawBody: jsonWith({}, "org.example.deep", deepJson(VERY_DEEP)) });
    await a.expectError("GET", field, 404, "M_NOT_FOUND");
    await a.expectError("PUT", "/pushrules/global/override/deep", 400, "M_BAD_JSON", {
      rawBody: jsonWith({ actions: ["notify"] }, "conditions", `[${deepJson(VERY_DEEP)}]`),
    });
    await a.expectError("PUT", "/pushrules/global/override/.m.rule.master/actions", 400, "M_BAD_JSON", {
      rawBody: jsonWith({}, "actions", `[${deepJson(VERY_DEEP)}]`),
    });
  });

  it("sendToDevice and createRoom's creation_content: 400 M_BAD_JSON", async () => {
    const a = await SyncClient.make(server());
    const messages = `{${JSON.stringify(a.userId)}:{${JSON.stringify(a.deviceId)}:${deepJson(VERY_DEEP)}}}`;
    await a.expectError("PUT", "/sendToDevice/org.example.deep/t1", 400, "M_BAD_JSON", { rawBody: jsonWith({}, "messages", messages) });
    await a.expectError("POST", "/createRoom", 400, "M_BAD_JSON", { rawBody: jsonWith({}, "creation_content", deepJson(VERY_DEEP)) });
    await a.expectError("POST", "/createRoom", 400, "M_BAD_JSON", {
      rawBody: jsonWith({}, "initial_state", `[{"type":"org.x","content":${deepJson(VERY_DEEP)}}]`),
    });
    expect((await a.expectOk("GET", "/joined_rooms")).joined_rooms).to.deep.equal([]);
  });

  it("event content: too deep for an event is 400 M_BAD_JSON, and nothing is sent", async () => {
    const a = await SyncClient.make(server());
    const roomId = await a.createRoom();
    // Content sits one level inside the event, so the deepest content an event can carry is one level less.
    await a.expectOk("PUT", `${roomPath(roomId)}/send/org.example.deep/ok`, { rawBody: deepJson(LIMIT - 1) });
    await a.expectError("PUT", `${roomPath(roomId)}/send/org.example.deep/t1`, 400, "M_BAD_JSON", { rawBody: deepJson(LIMIT) });
    await a.expectError("PUT", `${roomPath(roomId)}/send/org.example.deep/t2`, 400, "M_BAD_JSON", { rawBody: deepJson(VERY_DEEP) });
    await a.expectError("PUT", `${roomPath(roomId)}/state/org.example.deep/`, 400, "M_BAD_JSON", { rawBody: deepJson(VERY_DEEP) });
    const history = await a.messages(roomId, { limit: "3" });
    expect(history.chunk.filter((e: Json) => e.type === "org.example.deep")).to.have.length(1);
  });
}
