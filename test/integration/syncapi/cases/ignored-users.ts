import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { bodies, joined, roomPath, SyncClient, twoMemberRoom, type Json } from "../../../../testing/sync-client.js";

const IGNORED = "m.ignored_user_list";

/** Sets `who`'s ignore list and waits until their sync shows it (the syncapi then applies it). */
async function ignore(who: SyncClient, users: string[]): Promise<string> {
  const start = await who.sync({ timeout: "0" });
  await who.expectOk("PUT", `/user/${encodeURIComponent(who.userId)}/account_data/${IGNORED}`, {
    spec: "/user/{userId}/account_data/{type}",
    body: { ignored_users: Object.fromEntries(users.map((u) => [u, {}])) },
  });
  const shown = await who.syncUntil(start.next_batch, (r) => r.account_data.events.some((e: Json) => e.type === IGNORED));
  return shown.next_batch as string;
}

/** The spec's "Ignoring Users": what `m.ignored_user_list` hides from /sync and /messages. */
export function ignoredUserCases(server: () => Deployment): void {
  it("hides ignored users' messages from /sync, /messages and /context, but not their state events", async () => {
    // Anyone may set state here, so the ignored user can send some.
    const { a, b, roomId } = await twoMemberRoom(server(), { preset: "public_chat", power_level_content_override: { state_default: 0 } });
    await b.send(roomId, "before ignoring");
    const since = await ignore(a, [b.userId]);
    await b.send(roomId, "spam");
    await b.putState(roomId, "m.room.topic", "", { topic: "set by the ignored user" });
    const last = await a.send(roomId, "from the ignorer");

    const incremental = await a.syncUntil(since, (r) =>
      bodies(r.rooms?.join?.[roomId]?.timeline.events ?? []).includes("from the ignorer"),
    );
    const events = joined(incremental, roomId).timeline.events as Json[];
    expect(bodies(events)).to.deep.equal(["from the ignorer"]);
    expect(events.map((e) => e.type)).to.include("m.room.topic");

    const initial = await a.sync({ timeout: "0" });
    const initialBodies = bodies(joined(initial, roomId).timeline.events);
    expect(initialBodies).to.not.include("spam");
    expect(initialBodies).to.not.include("before ignoring");

    const history = await a.messages(roomId, { limit: "50" });
    expect(bodies(history.chunk)).to.deep.equal(["from the ignorer"]);
    expect((history.chunk as Json[]).some((e) => e.type === "m.room.topic" && e.sender === b.userId)).to.equal(true);
    const context = await a.get(roomPath(roomId, `/context/${encodeURIComponent(last)}`), "/rooms/{roomId}/context/{eventId}", {
      limit: "10",
    });
    expect(bodies(context.events_before)).to.deep.equal([]);

    // Others still see everything; un-ignoring shows what comes next (not what was missed).
    expect(bodies((await b.messages(roomId, { limit: "50" })).chunk)).to.include.members(["spam", "before ignoring"]);
    const after = await ignore(a, []);
    await b.send(roomId, "welcome back");
    const resumed = await a.syncUntil(after, (r) => bodies(r.rooms?.join?.[roomId]?.timeline.events ?? []).includes("welcome back"));
    expect(bodies(joined(resumed, roomId).timeline.events)).to.not.include("spam");
  });

  it("does not send invites from ignored users", async () => {
    const a = await SyncClient.make(server(), "ignorer");
    const b = await SyncClient.make(server(), "ignored");
    const c = await SyncClient.make(server(), "friend");
    const since = await ignore(a, [b.userId]);
    const fromIgnored = await b.createRoom({ preset: "private_chat" });
    await b.invite(fromIgnored, a.userId);
    const fromFriend = await c.createRoom({ preset: "private_chat" });
    await c.invite(fromFriend, a.userId);
    const res = await a.syncUntil(since, (r) => !!r.rooms?.invite?.[fromFriend]);
    expect(Object.keys(res.rooms.invite)).to.deep.equal([fromFriend]);
    const initial = await a.sync({ timeout: "0" });
    expect(Object.keys(initial.rooms.invite)).to.deep.equal([fromFriend]);
  });
}
