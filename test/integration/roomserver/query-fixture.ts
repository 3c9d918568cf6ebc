import type { SigningKey } from "../../../components/protocol/crypto/keys.js";
import type { ProtocolEvent } from "../../../components/protocol/events/protocolevent.js";
import type { InputKind, InputOutcome, InputVerdict } from "../../../components/roomserver/api/input.js";
import { TEST_SERVER } from "../../../testing/roomserver-harness.js";
import { TestRoom } from "../../../testing/test-room.js";

/** Hands an event to the roomserver under test and resolves with its verdict. */
export type InputFn = (event: ProtocolEvent, kind?: InputKind) => Promise<InputVerdict>;

/** A server with a user invited to the main room but none joined. */
export const OTHER_SERVER = "other.server";

/**
 * The rooms every query is checked against, built once per suite through the input log:
 *
 * - `main` (v11), linear: the usual start with shared history, bob joins, two messages,
 *   carol of another server is invited, dave joins and leaves, history turns "joined",
 *   two more messages. Beside the DAG: a rejected message and an outlier.
 * - `fork` (v11): after its start two topic changes on parallel branches, left unmerged:
 *   two forward extremities whose states resolution must merge. Branch x has the later
 *   origin_server_ts, so state resolution v2 applies it last and its topic wins.
 * - `v1`: a room version 1 room, whose prev_events cite reference hashes.
 *
 * Users are unique to the fixture (fixture-alice, ...), so a suite's other rooms never
 * show up in the answers about them.
 */
export class QueryFixture {
  readonly events = new Map<string, ProtocolEvent>();
  readonly main: TestRoom;
  readonly fork: TestRoom;
  readonly v1: TestRoom;
  readonly alice: string;
  readonly bob: string;
  readonly carol = `@fixture-carol:${OTHER_SERVER}`;
  readonly dave: string;
  /** The main room's accepted DAG, in order. */
  readonly dag: ProtocolEvent[] = [];
  rejected!: ProtocolEvent;
  outlier!: ProtocolEvent;
  forkX!: ProtocolEvent;
  forkY!: ProtocolEvent;
  /** The fork room's common start (all state but the topic). */
  forkStart: ProtocolEvent[] = [];
  v1Events: ProtocolEvent[] = [];

  private constructor(
    key: SigningKey,
    private readonly input: InputFn,
  ) {
    this.main = new TestRoom(TEST_SERVER, key, "11");
    this.fork = new TestRoom(TEST_SERVER, key, "11");
    this.v1 = new TestRoom(TEST_SERVER, key, "1");
    this.alice = this.main.user("fixture-alice");
    this.bob = this.main.user("fixture-bob");
    this.dave = this.main.user("fixture-dave");
  }

  static async build(key: SigningKey, input: InputFn): Promise<QueryFixture> {
    const fixture = new QueryFixture(key, input);
    await fixture.buildMain();
    await fixture.buildFork();
    await fixture.buildV1();
    return fixture;
  }

  /** The main room's accepted events by their role, for readable expectations. */
  named(name: MainEventName): ProtocolEvent {
    return this.dag[MAIN_EVENT_NAMES.indexOf(name)]!;
  }

  private async buildMain(): Promise<void> {
    const room = this.main;
    const { alice, bob, carol, dave } = this;
    const events = [
      ...room.standardStart(alice),
      room.join(bob),
      room.message(alice, "one"),
      room.message(bob, "two"),
      room.member(alice, carol, "invite"),
      room.join(dave),
      room.member(dave, dave, "leave"),
      room.stateEvent(alice, "m.room.history_visibility", { history_visibility: "joined" }),
      room.message(alice, "three"),
      room.message(bob, "four"),
    ];
    for (const event of events) await this.accept(event);
    this.dag.push(...events);
    this.rejected = room.message(room.user("fixture-mallory"), "not a member", { detached: true });
    await this.expect(this.rejected, "rejected");
    // An event known without its state, as one fetched to check another's auth chain.
    this.outlier = room.message(alice, "seen alone", { detached: true });
    await this.expect(this.outlier, "accepted", "outlier");
  }

  private async buildFork(): Promise<void> {
    const room = this.fork;
    const frank = room.user("fixture-frank");
    this.forkStart = [...room.standardStart(frank), room.message(frank, "before the fork")];
    for (const event of this.forkStart) await this.accept(event);
    const base = this.forkStart.at(-1)!;
    const ts = 1_800_000_000_000;
    this.forkX = room.stateEvent(frank, "m.room.topic", { topic: "x" }, { prevs: [base], detached: true, originServerTs: ts + 1000 });
    this.forkY = room.stateEvent(frank, "m.room.topic", { topic: "y" }, { prevs: [base], detached: true, originServerTs: ts });
    await this.accept(this.forkX);
    await this.accept(this.forkY);
  }

  private async buildV1(): Promise<void> {
    const owner = this.v1.user("fixture-victor");
    this.v1Events = [this.v1.create(owner), this.v1.join(owner)];
    for (const event of this.v1Events) await this.accept(event);
  }

  private accept(event: ProtocolEvent): Promise<void> {
    return this.expect(event, "accepted");
  }

  private async expect(event: ProtocolEvent, outcome: InputOutcome, kind: InputKind = "new"): Promise<void> {
    const verdict = await this.input(event, kind);
    if (verdict.outcome !== outcome || verdict.softFailed) {
      throw new Error(`fixture event ${event.type} got ${JSON.stringify(verdict)}, expected outcome ${outcome}`);
    }
    this.events.set(event.eventId, event);
  }

  /** The auth chain of events as the spec defines it, from the built events themselves. */
  authChainOf(ids: readonly string[]): Set<string> {
    const chain = new Set<string>();
    const walk = (id: string) => {
      for (const authId of this.events.get(id)!.authEventIds) {
        if (!chain.has(authId)) {
          chain.add(authId);
          walk(authId);
        }
      }
    };
    ids.forEach(walk);
    return chain;
  }
}

/** The roles of the main room's accepted events, in DAG order. */
const MAIN_EVENT_NAMES = [
  "create",
  "aliceJoin",
  "powerLevels",
  "joinRules",
  "sharedHistory",
  "bobJoin",
  "one",
  "two",
  "carolInvite",
  "daveJoin",
  "daveLeave",
  "joinedHistory",
  "three",
  "four",
] as const;
export type MainEventName = (typeof MAIN_EVENT_NAMES)[number];
