import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, twoMemberRoom } from "../../../../testing/sync-client.js";

/** Cases that restart the server (the monolith's `restart`); they run last in their suite. */
export function restartCases(server: () => Deployment): void {
  it("a sync token from before a restart still works: an incremental sync from it returns only newer events", async () => {
    const { a, b, roomId } = await twoMemberRoom(server());
    await a.send(roomId, "before the restart");
    const before = await b.sync();
    expect(bodies(joined(before, roomId).timeline.events)).to.include("before the restart");

    await server().restart!();
    // Positions live in the syncapi's database: after the restart nothing is new yet.
    const quiet = await b.sync({ since: before.next_batch });
    expect(quiet.rooms.join).to.not.have.property(roomId);

    await a.send(roomId, "after the restart");
    const res = await b.syncUntil(before.next_batch, (r) => !!r.rooms.join[roomId]);
    expect(bodies(joined(res, roomId).timeline.events)).to.deep.equal(["after the restart"]);
    expect(joined(res, roomId).timeline.limited).to.equal(false);
  });
}
