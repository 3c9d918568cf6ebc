import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, roomPath, SyncClient } from "../../../../testing/sync-client.js";

export function visibilityCases(server: () => Deployment): void {
  it("in a `joined` room a later joiner sees no earlier event via /messages, /context, /event or /sync", async () => {
    const a = await SyncClient.make(server(), "a");
    const roomId = await a.createRoom({
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }],
    });
    const secret = await a.send(roomId, "before you came");
    const late = await SyncClient.make(server(), "late");
    await late.join(roomId);
    await a.send(roomId, "after you came");
    const sync = await late.sync();
    expect(bodies(joined(sync, roomId).timeline.events)).to.deep.equal(["after you came"]);
    const history = await late.messages(roomId, { limit: "50" });
    expect(bodies(history.chunk)).to.deep.equal(["after you came"]);
    await late.expectError("GET", roomPath(roomId, `/event/${encodeURIComponent(secret)}`), 404, "M_NOT_FOUND");
    await late.expectError("GET", roomPath(roomId, `/context/${encodeURIComponent(secret)}`), 403, "M_FORBIDDEN");
    // The sender still sees it all.
    expect(bodies((await a.messages(roomId, { limit: "50" })).chunk)).to.deep.equal(["after you came", "before you came"]);
  });

  it("in a `shared` room a later joiner sees the earlier history; a non-member gets 403", async () => {
    const a = await SyncClient.make(server(), "a");
    const roomId = await a.createRoom({ preset: "public_chat" });
    await a.send(roomId, "shared history");
    const outsider = await SyncClient.make(server(), "out");
    await outsider.expectError("GET", roomPath(roomId, "/messages"), 403, "M_FORBIDDEN", { query: { dir: "b" } });
    await outsider.join(roomId);
    expect(bodies((await outsider.messages(roomId, { limit: "50" })).chunk)).to.include("shared history");
  });

  it("a member who left sees nothing sent after they left", async () => {
    const a = await SyncClient.make(server(), "a");
    const b = await SyncClient.make(server(), "b");
    const roomId = await a.createRoom({ preset: "public_chat" });
    await b.join(roomId);
    await a.send(roomId, "while there");
    await b.leave(roomId);
    const after = await a.send(roomId, "after leaving");
    expect(bodies((await b.messages(roomId, { limit: "50" })).chunk)).to.deep.equal(["while there"]);
    await b.expectError("GET", roomPath(roomId, `/event/${encodeURIComponent(after)}`), 404, "M_NOT_FOUND");
  });
}
