import { expect } from "chai";
import { encodeBase64 } from "../../../components/protocol/crypto/base64.js";
import { stateKeyOf } from "../../../components/protocol/events/event.js";
import type { ProtocolEvent } from "../../../components/protocol/events/protocolevent.js";
import type { RoomserverReaderApi, RoomserverWriterApi } from "../../../components/roomserver/api/roomserver-api.js";
import type { HistoryDirection, StoredEvent } from "../../../components/roomserver/api/queries.js";
import { TEST_SERVER } from "../../../testing/roomserver-harness.js";
import { OTHER_SERVER, type QueryFixture } from "./query-fixture.js";

type QueryApi = RoomserverWriterApi & RoomserverReaderApi;
type QueryName = keyof QueryApi;

/**
 * One check per query of the writer and reader services, against the QueryFixture rooms.
 * The record's type lists every query, so a query added to the API without a check here
 * does not compile. Both the in-process suite and the gRPC process suite run all of them.
 */
export const QUERY_CHECKS: Record<QueryName, (api: QueryApi, f: QueryFixture) => Promise<void>> = {
  async queryBuildInfo(api, f) {
    const main = await api.queryBuildInfo({
      roomId: f.main.roomId,
      stateNeeded: [
        tuple("m.room.create"),
        tuple("m.room.power_levels"),
        tuple("m.room.member", f.alice),
        tuple("m.room.member", "@nobody:x"),
      ],
    });
    expect(main).to.deep.include({
      roomExists: true,
      roomVersion: "11",
      prevEvents: [{ eventId: f.named("four").eventId, sha256: "" }],
      depth: f.named("four").depth + 1,
    });
    expect(ids(main.stateEvents)).to.deep.equal(ids3(f.named("create"), f.named("powerLevels"), f.named("aliceJoin")));

    // Two forward extremities: both are prev_events, and the depth is above both.
    const fork = await api.queryBuildInfo({ roomId: f.fork.roomId, stateNeeded: [tuple("m.room.topic")] });
    expect(fork.prevEvents.map((p) => p.eventId).sort()).to.deep.equal([f.forkX.eventId, f.forkY.eventId].sort());
    expect(fork.depth).to.equal(f.forkX.depth + 1);
    expect(ids(fork.stateEvents)).to.deep.equal([f.forkX.eventId], "the current state is the resolved one");

    const v1 = await api.queryBuildInfo({ roomId: f.v1.roomId, stateNeeded: [] });
    const last = f.v1Events.at(-1)!;
    expect(v1).to.deep.include({
      roomVersion: "1",
      prevEvents: [{ eventId: last.eventId, sha256: encodeBase64(last.referenceHash()) }],
      depth: last.depth + 1,
    });
    expect(v1.stateEvents).to.deep.equal([]);

    expect(await api.queryBuildInfo({ roomId: "!absent:test.local", stateNeeded: [] })).to.deep.include({
      roomExists: false,
      prevEvents: [],
    });
  },

  async queryEventsById(api, f) {
    const one = f.named("one");
    const { events } = await api.queryEventsById({
      eventIds: [one.eventId, f.rejected.eventId, "$unknown", f.outlier.eventId, one.eventId],
    });
    expect(events.map(flags)).to.deep.equal([
      { eventId: one.eventId, roomVersion: "11", rejected: false, softFailed: false, outlier: false },
      { eventId: f.rejected.eventId, roomVersion: "11", rejected: true, softFailed: false, outlier: false },
      { eventId: f.outlier.eventId, roomVersion: "11", rejected: false, softFailed: false, outlier: true },
    ]);
    expect(events[0]!.eventJson).to.equal(one.canonicalJson(), "the stored JSON text");
  },

  async queryStateAfterEvents(api, f) {
    const afterOne = await api.queryStateAfterEvents({ roomId: f.main.roomId, eventIds: [f.named("one").eventId], stateTuples: [] });
    expect(afterOne).to.deep.include({ roomExists: true, prevEventsExist: true });
    const stateAtOne = ["create", "aliceJoin", "powerLevels", "joinRules", "sharedHistory", "bobJoin"] as const;
    expect(ids(afterOne.stateEvents)).to.deep.equal(sortedByKey(stateAtOne.map((n) => f.named(n))));

    const topic = [tuple("m.room.topic")];
    const stateAfter = async (events: ProtocolEvent[]) =>
      ids(
        (await api.queryStateAfterEvents({ roomId: f.fork.roomId, eventIds: events.map((e) => e.eventId), stateTuples: topic }))
          .stateEvents,
      );
    expect(await stateAfter([f.forkY])).to.deep.equal([f.forkY.eventId]);
    expect(await stateAfter([f.forkX])).to.deep.equal([f.forkX.eventId]);
    // Both branches: resolved, the later origin_server_ts (x) applied last, in either order asked.
    expect(await stateAfter([f.forkY, f.forkX])).to.deep.equal([f.forkX.eventId]);
    expect(await stateAfter([f.forkX, f.forkY])).to.deep.equal([f.forkX.eventId]);
    const whole = await api.queryStateAfterEvents({ roomId: f.fork.roomId, eventIds: [f.forkX.eventId, f.forkY.eventId], stateTuples: [] });
    expect(ids(whole.stateEvents)).to.have.members([
      ...f.forkStart.filter((e) => e.stateKey !== undefined).map((e) => e.eventId),
      f.forkX.eventId,
    ]);

    const notPlaced = { roomExists: true, prevEventsExist: false, stateEvents: [] };
    expect(await api.queryStateAfterEvents({ roomId: f.main.roomId, eventIds: [f.outlier.eventId], stateTuples: [] })).to.deep.equal(
      notPlaced,
    );
    expect(await api.queryStateAfterEvents({ roomId: f.main.roomId, eventIds: ["$unknown"], stateTuples: [] })).to.deep.equal(notPlaced);
    expect(await api.queryStateAfterEvents({ roomId: f.main.roomId, eventIds: [f.forkX.eventId], stateTuples: [] })).to.deep.equal(
      notPlaced,
      "another room's event",
    );
    expect(await api.queryStateAfterEvents({ roomId: "!absent:test.local", eventIds: [], stateTuples: [] })).to.deep.include({
      roomExists: false,
    });
  },

  async queryCurrentState(api, f) {
    const all = await api.queryCurrentState({ roomId: f.main.roomId, stateTuples: [] });
    const current = ["create", "aliceJoin", "powerLevels", "joinRules", "bobJoin", "carolInvite", "daveLeave", "joinedHistory"] as const;
    expect(ids(all.stateEvents)).to.deep.equal(sortedByKey(current.map((n) => f.named(n))));
    const some = await api.queryCurrentState({
      roomId: f.main.roomId,
      stateTuples: [tuple("m.room.topic"), tuple("m.room.history_visibility")],
    });
    expect(ids(some.stateEvents)).to.deep.equal([f.named("joinedHistory").eventId]);
    expect(await api.queryCurrentState({ roomId: "!absent:test.local", stateTuples: [] })).to.deep.equal({
      roomExists: false,
      stateEvents: [],
    });
  },

  async queryMembership(api, f) {
    const of = (userId: string) => api.queryMembership({ roomId: f.main.roomId, userId });
    const alice = await of(f.alice);
    expect(alice).to.deep.include({ roomExists: true, membership: "join", eventId: f.named("aliceJoin").eventId });
    expect(alice.memberEvent?.eventId).to.equal(f.named("aliceJoin").eventId);
    expect(await of(f.carol)).to.deep.include({ membership: "invite", eventId: f.named("carolInvite").eventId });
    expect(await of(f.dave)).to.deep.include({ membership: "leave", eventId: f.named("daveLeave").eventId });
    const never = await of("@fixture-nobody:test.local");
    expect(never).to.deep.include({ roomExists: true, membership: "", eventId: "" });
    expect(never.memberEvent).to.equal(undefined);
    expect(await api.queryMembership({ roomId: "!absent:test.local", userId: f.alice })).to.deep.include({
      roomExists: false,
      membership: "",
    });
  },

  async queryMembers(api, f) {
    const members = async (memberships: string[], localOnly: boolean) =>
      ids((await api.queryMembers({ roomId: f.main.roomId, memberships, localOnly })).memberEvents);
    const [aliceJoin, bobJoin, carolInvite, daveLeave] = ids3(
      f.named("aliceJoin"),
      f.named("bobJoin"),
      f.named("carolInvite"),
      f.named("daveLeave"),
    );
    expect(await members([], false)).to.deep.equal([aliceJoin, bobJoin, carolInvite, daveLeave], "every membership, by user ID");
    expect(await members(["join"], false)).to.deep.equal([aliceJoin, bobJoin]);
    expect(await members(["join", "invite"], false)).to.deep.equal([aliceJoin, bobJoin, carolInvite]);
    expect(await members([], true)).to.deep.equal([aliceJoin, bobJoin, daveLeave], "local users only");
    expect(await api.queryMembers({ roomId: "!absent:test.local", memberships: [], localOnly: false })).to.deep.equal({
      roomExists: false,
      memberEvents: [],
    });
  },

  async queryRoomsForUser(api, f) {
    expect(await api.queryRoomsForUser({ userId: f.bob, membership: "" })).to.deep.equal({ roomIds: [f.main.roomId] }, "join by default");
    expect(await api.queryRoomsForUser({ userId: f.dave, membership: "" })).to.deep.equal({ roomIds: [] });
    expect(await api.queryRoomsForUser({ userId: f.dave, membership: "leave" })).to.deep.equal({ roomIds: [f.main.roomId] });
    expect(await api.queryRoomsForUser({ userId: f.carol, membership: "invite" })).to.deep.equal({ roomIds: [f.main.roomId] });
  },

  async queryRoomInfo(api, f) {
    expect(await api.queryRoomInfo({ roomId: f.main.roomId })).to.deep.equal({
      roomExists: true,
      roomVersion: "11",
      latestEventIds: [f.named("four").eventId],
      joinedMembers: 2,
      invitedMembers: 1,
      published: false,
    });
    const fork = await api.queryRoomInfo({ roomId: f.fork.roomId });
    expect([...fork.latestEventIds].sort()).to.deep.equal([f.forkX.eventId, f.forkY.eventId].sort());
    expect(await api.queryRoomInfo({ roomId: "!absent:test.local" })).to.deep.include({ roomExists: false, latestEventIds: [] });
  },

  async queryAuthChain(api, f) {
    const chainOf = async (events: ProtocolEvent[]) =>
      ids((await api.queryAuthChain({ eventIds: events.map((e) => e.eventId) })).authChain);
    // Oldest first: bob's message cites create, power levels and his join, which cite the rest.
    const chainOfFour = (["create", "aliceJoin", "powerLevels", "joinRules", "bobJoin"] as const).map((n) => f.named(n).eventId);
    expect(await chainOf([f.named("four")])).to.deep.equal(chainOfFour);
    const carol = [f.named("carolInvite")];
    expect(new Set(await chainOf(carol))).to.deep.equal(f.authChainOf(carol.map((e) => e.eventId)));
    // A given event is in the answer only when it is in another given event's chain.
    expect(await chainOf([f.named("powerLevels"), f.named("aliceJoin")])).to.deep.equal(ids3(f.named("create"), f.named("aliceJoin")));
    expect(await chainOf([f.named("create")])).to.deep.equal([]);
  },

  async queryMissingEvents(api, f) {
    const missing = async (limit: number, serverName: string) =>
      ids(
        (
          await api.queryMissingEvents({
            roomId: f.main.roomId,
            earliestEvents: [f.named("one").eventId],
            latestEvents: [f.named("four").eventId],
            limit,
            serverName,
          })
        ).events,
      );
    const between = ["two", "carolInvite", "daveJoin", "daveLeave", "joinedHistory", "three"] as const;
    expect(await missing(10, TEST_SERVER)).to.deep.equal(
      between.map((n) => f.named(n).eventId),
      "oldest first, ends excluded",
    );
    const nearest = ["daveLeave", "joinedHistory", "three"] as const;
    expect(await missing(3, TEST_SERVER)).to.deep.equal(
      nearest.map((n) => f.named(n).eventId),
      "the 3 nearest the latest",
    );
    // Once history is "joined", a server with only an invited user sees nothing new.
    expect(await missing(10, OTHER_SERVER)).to.deep.equal(between.slice(0, 5).map((n) => f.named(n).eventId));
    expect(await missing(10, "stranger.example")).to.deep.equal(between.slice(0, 5).map((n) => f.named(n).eventId));
  },

  async queryServerAllowedToSeeEvent(api, f) {
    const allowed = async (event: ProtocolEvent | string, serverName: string) =>
      (await api.queryServerAllowedToSeeEvent({ eventId: typeof event === "string" ? event : event.eventId, serverName })).allowed;
    expect(await allowed(f.named("three"), TEST_SERVER)).to.equal(true);
    expect(await allowed(f.named("three"), OTHER_SERVER)).to.equal(false, "history is joined-only and other.server has no joined user");
    expect(await allowed(f.named("three"), "stranger.example")).to.equal(false);
    expect(await allowed(f.named("one"), "stranger.example")).to.equal(true, "shared history");
    expect(await allowed(f.named("joinedHistory"), OTHER_SERVER)).to.equal(true, "the change itself is judged with the state before it");
    expect(await allowed(f.outlier, TEST_SERVER)).to.equal(false, "an outlier has no known state");
    expect(await allowed("$unknown", TEST_SERVER)).to.equal(false);
  },

  async queryServerInRoom(api, f) {
    expect(await api.queryServerInRoom({ roomId: f.main.roomId, serverName: TEST_SERVER })).to.deep.equal({
      roomExists: true,
      serverInRoom: true,
    });
    expect(await api.queryServerInRoom({ roomId: f.main.roomId, serverName: OTHER_SERVER })).to.deep.equal({
      roomExists: true,
      serverInRoom: false,
    });
    expect(await api.queryServerInRoom({ roomId: "!absent:test.local", serverName: TEST_SERVER })).to.deep.equal({
      roomExists: false,
      serverInRoom: false,
    });
  },

  async queryMessageHistory(api, f) {
    const page = (from: string, direction: HistoryDirection, limit: number) =>
      api.queryMessageHistory({ roomId: f.main.roomId, from, direction, limit });
    const dag = f.dag.map((e) => e.eventId);
    const newestFirst = [...dag].reverse();

    const b1 = await page("", "backward", 5);
    expect(ids(b1.events)).to.deep.equal(newestFirst.slice(0, 5));
    const b2 = await page(b1.next, "backward", 5);
    expect(ids(b2.events)).to.deep.equal(newestFirst.slice(5, 10));
    const b3 = await page(b2.next, "backward", 5);
    expect(ids(b3.events)).to.deep.equal(newestFirst.slice(10), "rejected events and outliers are not history");
    expect(b3.next).to.equal("", "nothing older");

    const f1 = await page("", "forward", 7);
    expect(ids(f1.events)).to.deep.equal(dag.slice(0, 7));
    const f2 = await page(f1.next, "forward", 7);
    expect(ids(f2.events)).to.deep.equal(dag.slice(7));
    expect(f2.next).to.equal("", "an exact last page says so without an empty page after it");

    // A token is a position: turning around at it gives the other side.
    expect(ids((await page(b1.next, "forward", 10)).events)).to.deep.equal(dag.slice(-4));

    const bad = await page("not a token", "backward", 5).then(
      () => null,
      (err: Error) => err,
    );
    expect(bad?.message).to.match(/not a history token/);
    expect(await api.queryMessageHistory({ roomId: "!absent:test.local", from: "", direction: "backward", limit: 5 })).to.deep.equal({
      roomExists: false,
      events: [],
      next: "",
    });
  },
};

function tuple(type: string, stateKey = "") {
  return { type, stateKey };
}

function ids(events: readonly StoredEvent[]): string[] {
  return events.map((e) => e.eventId);
}

function ids3(...events: ProtocolEvent[]): string[] {
  return events.map((e) => e.eventId);
}

function flags({ eventId, roomVersion, rejected, softFailed, outlier }: StoredEvent) {
  return { eventId, roomVersion, rejected, softFailed, outlier };
}

/** What "every state event" is ordered by: the state key tuple. */
function sortedByKey(events: ProtocolEvent[]): string[] {
  const key = (e: ProtocolEvent) => stateKeyOf(e.type, e.stateKey!);
  return [...events].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((e) => e.eventId);
}
