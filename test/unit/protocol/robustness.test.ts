/**
 * Untrusted input never crashes the protocol library: the entry points that read event
 * content, key responses and headers are fed thousands of seeded mangled inputs (wrong
 * types in content fields, nulls, arrays for objects, huge and fractional numbers, strings
 * for integers, missing fields) and every failure must be a ProtocolError, never a
 * TypeError or anything else. Outcomes (allowed or not) are not asserted here: the rule
 * tests do that; this test is about the absence of unhandled exceptions.
 */
import { expect } from "chai";
import { checkAuth } from "../../../components/protocol/auth/rules.js";
import { parsePowerLevels } from "../../../components/protocol/auth/power-levels.js";
import { signingKeyFromSeed } from "../../../components/protocol/crypto/keys.js";
import { ProtocolError } from "../../../components/protocol/errors.js";
import { stateKeyOf, type JsonObject, type RoomEvent } from "../../../components/protocol/events/event.js";
import { buildServerKeys, verifyNotaryResponse, verifyServerKeys } from "../../../components/protocol/federation/server-keys.js";
import { parseXMatrixHeader, signXMatrixRequest } from "../../../components/protocol/federation/xmatrix.js";
import { roomVersion } from "../../../components/protocol/roomversions.js";
import { resolveState } from "../../../components/protocol/stateres/index.js";
import { serverMaySeeEvent, userMaySeeEvent } from "../../../components/protocol/visibility/history.js";
import { ALL_VERSIONS, fakeEvent } from "./helpers/fake-events.js";
import { JUNK, mangle } from "./helpers/mangle.js";
import { prng } from "./helpers/prng.js";

const ALICE = "@alice:a.example";
const BOB = "@bob:b.example";
const CAROL = "@carol:c.example";
const USERS = [ALICE, BOB, CAROL, "@:a.example", "@weird user:d.example"];

/** Runs `fn` and records anything thrown that is not a ProtocolError, with the input that caused it. */
class CrashLog {
  readonly crashes: string[] = [];
  /** Inputs accepted and refused: both must occur, or the mangling misses the interesting paths. */
  accepted = 0;
  refused = 0;
  run(what: string, input: unknown, fn: () => unknown): void {
    try {
      fn();
      this.accepted++;
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.refused++;
        return;
      }
      let shown: string | undefined;
      try {
        shown = JSON.stringify(input, (_k, v: unknown) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 80)}...` : v));
      } catch {
        shown = String(input);
      }
      this.crashes.push(
        `${what}: ${(e as Error)?.stack?.split("\n").slice(0, 3).join(" | ") ?? String(e)}\n  input: ${shown?.slice(0, 400)}`,
      );
    }
  }
  /** `bothOutcomes` for functions that refuse by throwing (not resolveState or visibility, which always answer). */
  assertNone(bothOutcomes = true): void {
    expect(this.crashes.slice(0, 5), `${this.crashes.length} crashes`).to.deep.equal([]);
    expect(this.accepted, "inputs accepted").to.be.greaterThan(0);
    if (bothOutcomes) expect(this.refused, "inputs refused").to.be.greaterThan(0);
  }
}

/** Mangled content that is still an object, as parseEvent guarantees for `content` itself. */
function mangledContent(base: JsonObject, random: () => number): JsonObject {
  const out = mangle(base, random);
  return typeof out === "object" && out !== null && !Array.isArray(out) ? (out as JsonObject) : { x: out as never };
}

function baseContents(versionId: string): Record<string, JsonObject> {
  const v = roomVersion(versionId);
  return {
    "m.room.create": {
      room_version: versionId,
      ...(v.implicitRoomCreator ? {} : { creator: ALICE }),
      ...(v.privilegedCreators ? { additional_creators: [CAROL] } : {}),
    },
    "m.room.power_levels": {
      users: v.privilegedCreators ? { [BOB]: 50 } : { [ALICE]: 100, [BOB]: 50 },
      users_default: 0,
      events: { "m.room.name": 50, "m.room.power_levels": 100 },
      notifications: { room: 50 },
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 0,
      state_default: 50,
      events_default: 0,
    },
    "m.room.join_rules": { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!other:a.example" }] },
    "m.room.history_visibility": { history_visibility: "joined" },
    "m.room.third_party_invite": {
      display_name: "b",
      key_validity_url: "https://id.example",
      public_key: "AAAA",
      public_keys: [{ public_key: "BBBB" }],
    },
    "m.room.member": { membership: "join", displayname: "x" },
  };
}

/** A room state of the given version whose events' contents are mangled now and then. */
function mangledRoom(versionId: string, random: () => number, mangleRate: number) {
  const version = roomVersion(versionId);
  const contents = baseContents(versionId);
  const maybe = (c: JsonObject) => (random() < mangleRate ? mangledContent(c, random) : c);
  const createId = version.eventIdFormat === "v1" ? "$create:a.example" : "$createcreatecreatecreatecreatecreatecreat";
  const roomId = version.roomIdFromCreateEvent ? `!${createId.slice(1)}` : "!room:a.example";
  const events = new Map<string, RoomEvent>();
  const state = new Map<string, RoomEvent>();
  const add = (type: string, stateKey: string, sender: string, content: JsonObject): RoomEvent => {
    const authEventIds = [
      ...new Set([stateKeyOf("m.room.create", ""), stateKeyOf("m.room.power_levels", ""), stateKeyOf("m.room.member", sender)]),
    ]
      .map((k) => state.get(k)?.eventId)
      .filter((id): id is string => id !== undefined && !(version.roomIdFromCreateEvent && id === createId));
    const ev = fakeEvent(version, {
      type,
      sender,
      stateKey,
      content,
      roomId,
      authEventIds,
      eventId: type === "m.room.create" ? createId : undefined,
      omitRoomIdInJson: type === "m.room.create" && version.roomIdFromCreateEvent,
    });
    events.set(ev.eventId, ev);
    state.set(stateKeyOf(type, stateKey), ev);
    return ev;
  };
  add("m.room.create", "", ALICE, maybe(contents["m.room.create"]!));
  add("m.room.member", ALICE, ALICE, maybe(contents["m.room.member"]!));
  add("m.room.power_levels", "", ALICE, maybe(contents["m.room.power_levels"]!));
  add("m.room.join_rules", "", ALICE, maybe(contents["m.room.join_rules"]!));
  add("m.room.history_visibility", "", ALICE, maybe(contents["m.room.history_visibility"]!));
  add("m.room.member", BOB, BOB, maybe(contents["m.room.member"]!));
  add("m.room.third_party_invite", "tok", ALICE, maybe(contents["m.room.third_party_invite"]!));
  return { version, roomId, events, state, add, contents };
}

const CANDIDATES: [type: string, stateKey: string | undefined, content: JsonObject][] = [
  ["m.room.member", BOB, { membership: "ban" }],
  [
    "m.room.member",
    CAROL,
    {
      membership: "invite",
      third_party_invite: {
        display_name: "c",
        signed: { mxid: CAROL, token: "tok", signatures: { "id.example": { "ed25519:0": "sig" } } },
      },
    },
  ],
  ["m.room.member", CAROL, { membership: "join", join_authorised_via_users_server: ALICE }],
  ["m.room.member", CAROL, { membership: "knock" }],
  ["m.room.member", BOB, { membership: "leave" }],
  ["m.room.power_levels", "", { users: { [BOB]: 100 }, ban: 10 }],
  ["m.room.message", undefined, { body: "hi", msgtype: "m.text" }],
  ["m.room.aliases", "a.example", { aliases: ["#a:a.example"] }],
  ["m.room.redaction", undefined, { redacts: "$x" }],
  ["m.room.third_party_invite", "tok2", { public_key: "AAAA" }],
  ["m.room.create", "", { room_version: "10", creator: ALICE }],
  ["m.room.join_rules", "", { join_rule: "knock_restricted", allow: "x" }],
  ["m.room.name", "", { name: "n" }],
];

describe("protocol robustness: mangled input fails only with ProtocolError", () => {
  it("checkAuth: 1,200 events with mangled content against rooms with mangled state", () => {
    const random = prng(1);
    const log = new CrashLog();
    for (let i = 0; i < 1200; i++) {
      const versionId = ALL_VERSIONS[i % ALL_VERSIONS.length]!;
      const room = mangledRoom(versionId, random, 0.3);
      const [type, baseStateKey, baseContent] = CANDIDATES[Math.floor(random() * CANDIDATES.length)]!;
      const sender = USERS[Math.floor(random() * USERS.length)]!;
      const stateKey = baseStateKey === undefined ? undefined : random() < 0.2 ? USERS[Math.floor(random() * USERS.length)]! : baseStateKey;
      const content = random() < 0.7 ? mangledContent(baseContent, random) : baseContent;
      const event = fakeEvent(room.version, {
        type,
        sender,
        stateKey,
        content,
        roomId: room.roomId,
        prevEventIds: [room.state.get(stateKeyOf("m.room.create", ""))!.eventId],
        redacts: "$x:a.example",
      });
      log.run(`checkAuth v${versionId} ${type}`, { content, state: [...room.state.values()].map((e) => [e.type, e.content]) }, () =>
        checkAuth(event, room.state),
      );
    }
    log.assertNone();
  });

  it("parsePowerLevels: 3,000 mangled contents in every room version", () => {
    const random = prng(2);
    const log = new CrashLog();
    for (let i = 0; i < 3000; i++) {
      const versionId = ALL_VERSIONS[i % ALL_VERSIONS.length]!;
      const content = mangle(baseContents(versionId)["m.room.power_levels"], random);
      log.run(`parsePowerLevels v${versionId}`, content, () => parsePowerLevels(content as JsonObject, roomVersion(versionId)));
    }
    for (const junk of JUNK) log.run("parsePowerLevels junk", junk, () => parsePowerLevels(junk as JsonObject, roomVersion("11")));
    log.assertNone();
  });

  it("resolveState: 240 forked rooms with mangled state, with the real auth rules", () => {
    const random = prng(3);
    const log = new CrashLog();
    for (let i = 0; i < 240; i++) {
      const versionId = ALL_VERSIONS[i % ALL_VERSIONS.length]!;
      const room = mangledRoom(versionId, random, 0.2);
      const base = new Map(room.state);
      const forks = [new Map(base), new Map(base)];
      for (const fork of forks) {
        room.state.clear();
        for (const [k, v] of fork) room.state.set(k, v);
        for (let n = 0; n < 2 + Math.floor(random() * 5); n++) {
          const [type, stateKey, content] = CANDIDATES[Math.floor(random() * CANDIDATES.length)]!;
          if (stateKey === undefined || type === "m.room.create") continue;
          const sender = USERS[Math.floor(random() * 3)]!;
          const ev = room.add(type, stateKey, sender, random() < 0.6 ? mangledContent(content, random) : content);
          // Now and then cite an event nobody has.
          if (random() < 0.1) (ev.authEventIds as string[]).push("$missing:a.example");
        }
        for (const [k, v] of room.state) fork.set(k, v);
      }
      const input = {
        roomVersion: room.version,
        stateSets: forks,
        eventById: (id: string) => room.events.get(id),
        authCheck: (ev: RoomEvent, s: ReadonlyMap<string, RoomEvent>) => checkAuth(ev, s),
      };
      log.run(
        `resolveState v${versionId}`,
        forks.map((f) => [...f.values()].map((e) => [e.type, e.content])),
        () => resolveState(input),
      );
    }
    log.assertNone(false);
  });

  it("userMaySeeEvent and serverMaySeeEvent: 600 mangled states", () => {
    const random = prng(4);
    const log = new CrashLog();
    for (let i = 0; i < 600; i++) {
      const versionId = ALL_VERSIONS[i % ALL_VERSIONS.length]!;
      const room = mangledRoom(versionId, random, 0.6);
      const [type, stateKey, content] = CANDIDATES[Math.floor(random() * CANDIDATES.length)]!;
      const event = fakeEvent(room.version, { type, sender: BOB, stateKey, content: mangledContent(content, random), roomId: room.roomId });
      const userId = USERS[Math.floor(random() * USERS.length)]!;
      const input = { state: [...room.state.values()].map((e) => [e.type, e.content]), event: event.content };
      log.run("userMaySeeEvent", input, () =>
        userMaySeeEvent(event, { userId, stateBefore: room.state, joinedAfterEvent: random() < 0.5 }),
      );
      log.run("serverMaySeeEvent", input, () => serverMaySeeEvent(event, room.state, "b.example"));
    }
    log.assertNone(false);
  });

  it("verifyServerKeys and verifyNotaryResponse: 1,000 mangled key responses", () => {
    const random = prng(5);
    const log = new CrashLog();
    const key = signingKeyFromSeed(Buffer.alloc(32, 3), "k1");
    const notary = signingKeyFromSeed(Buffer.alloc(32, 4), "n1");
    const response = buildServerKeys(
      {
        serverName: "example.org",
        verifyKeys: [{ keyId: key.keyId, publicKey: key.publicKeyBase64 }],
        oldVerifyKeys: [{ keyId: "ed25519:old", publicKey: notary.publicKeyBase64, expiredTs: 1_000 }],
        validUntilTs: 2_000_000_000_000,
      },
      [key],
    );
    const notaryResponse = { server_keys: [response] };
    for (let i = 0; i < 1000; i++) {
      const mangled = mangle(response, random);
      log.run("verifyServerKeys", mangled, () => verifyServerKeys(mangled, { serverName: "example.org", fetchedAt: 1_700_000_000_000 }));
      const mangledNotary = mangle(notaryResponse, random);
      log.run("verifyNotaryResponse", mangledNotary, () =>
        verifyNotaryResponse(mangledNotary, {
          notary: "notary.org",
          notaryKeys: new Map([[notary.keyId, notary.publicKey]]),
          fetchedAt: 1_700_000_000_000,
        }),
      );
    }
    log.assertNone();
  });

  it("parseXMatrixHeader: 3,000 mangled headers and non-strings", () => {
    const random = prng(6);
    const log = new CrashLog();
    const key = signingKeyFromSeed(Buffer.alloc(32, 5), "k1");
    const header = signXMatrixRequest(
      { method: "GET", uri: "/_matrix/federation/v1/version", origin: "origin.example", destination: "dest.example:8448" },
      key,
    );
    const alphabet = [
      '"',
      "\\",
      ",",
      "=",
      " ",
      "\t",
      "\n",
      "\u0000",
      "\u007f",
      ":",
      "[",
      "]",
      "é",
      "\ud800",
      "X-Matrix",
      "origin=",
      'sig="',
      "key=ed25519:",
    ];
    for (let i = 0; i < 3000; i++) {
      let text = header;
      for (let m = 0; m < 1 + Math.floor(random() * 4); m++) {
        const at = Math.floor(random() * (text.length + 1));
        const roll = random();
        if (roll < 0.4) text = text.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)]! + text.slice(at);
        else if (roll < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
        else text = text.slice(0, at);
      }
      log.run("parseXMatrixHeader", text, () => parseXMatrixHeader(text));
    }
    for (const junk of [...JUNK, undefined]) log.run("parseXMatrixHeader junk", junk, () => parseXMatrixHeader(junk as string));
    log.assertNone();
  });
});
