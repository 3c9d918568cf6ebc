import { expect } from "chai";
import { request } from "node:http";
import { listServedRoutes } from "../../../cli/route-list.js";
import type { RouteInfo } from "../../../components/internal/http/router.js";
import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { deepJson, HostileJson, Random } from "../../../testing/hostile-json.js";
import { SyncClient } from "../../../testing/sync-client.js";
import type { ComponentName } from "../../../components/internal/config/types.js";

/**
 * Issue 12's fuzz test: generated hostile requests to every route the server serves (listed
 * from the components' routers, not by hand), with a valid access token. Hostile path
 * parameters, query strings and JSON bodies (U+0000 and lone surrogates in every string
 * position, deep nesting, numbers beyond doubles, wrong types, bytes that are not UTF-8).
 * Asserts that no answer is a 5xx, that the server keeps answering, and that a normal user's
 * send and sync still work afterwards, in a room the fuzzer wrote hostile content to and in
 * one of their own. The seed is fixed, so a failure replays; the request count is fixed
 * (CASES_PER_ROUTE per route), which bounds the time.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_0012);
/** CI runs 10 per route; FUZZ_CASES (and FUZZ_SEED) explore further by hand. */
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? 10);
/** Requests in flight at once: enough to keep the server busy, few enough for a shared machine. */
const CONCURRENCY = 4;
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };

/** Path parameter values that must be refused or handled, percent-encoded as a client would send them. */
const HOSTILE_PARAMS = [
  "a%00b",
  "%00",
  "%ED%A0%80", // a lone surrogate, UTF-8-encoded: not valid UTF-8
  "%FF",
  "%C0%AF",
  "%40alice%E2%80%AE%3Alocalhost",
  "%40%F0%9F%98%80%3Alocalhost",
  "%40%3Alocalhost",
  "!a%00b%3Alocalhost",
  "%24a%00b",
  "%23a%00b%3Alocalhost",
  "x".repeat(300),
  "%25",
  "..",
  "%2F",
  "%20",
];

/** Query parameters handlers read, and values for them that no handler should take as valid. */
const QUERY_NAMES = [
  "from",
  "to",
  "dir",
  "limit",
  "filter",
  "since",
  "timeout",
  "full_state",
  "set_presence",
  "server",
  "before",
  "after",
  "at",
  "membership",
  "not_membership",
  "recurse",
  "user_id",
  "kind",
  "event_id",
];
const HOSTILE_QUERY_VALUES = [
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%FF",
  "-1",
  "99999999999999999999",
  "1e400",
  "NaN",
  "t-1",
  "s1_2_3",
  "s99999999999999999999_0_0_0_0_0_0_0",
  // Deeper than the limit, yet short enough that three of them stay within Node's 16 KiB for
  // a request line and headers (beyond, Node answers 431 and may reset the connection).
  encodeURIComponent(deepJson(300)),
  encodeURIComponent('{"room":{"timeline":{"types":["a\\u0000b"]}}}'),
  encodeURIComponent('{"types":["\\ud800"],"limit":1e400}'),
  encodeURIComponent('{"room":{"timeline":{"limit":-5},"rooms":"x"}}'),
  encodeURIComponent('{"event_fields":[{"a":1}],"presence":[]}'),
];

interface Answer {
  status: number;
  body: string;
}

interface Case {
  method: string;
  path: string;
  body: Buffer | undefined;
  template: string;
}

/** `components`: those the deployment runs, whose routes it is sent (all, when not given). */
function fuzzSuite(variant: string, start: () => Promise<Deployment>, components?: readonly ComponentName[]): void {
  describe(`fuzz: hostile requests to every route: ${variant}`, function () {
    // Generous, for a shared and loaded machine: the run is start-up and a fixed number of requests.
    this.timeout(300_000);
    let server: Deployment | undefined;
    suiteVariant(`fuzz:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
    });
    after(async () => server?.stop());

    it("answers every request with less than 500, keeps answering, and a normal user's send and sync still work", async () => {
      const s = server!;
      const routes = listServedRoutes(components);
      expect(routes.length, "routes listed from the routers").to.be.greaterThan(50);

      // The normal user owns a room the fuzzer joins (at power level 0, so it can write
      // messages there but not take the room away), and a room of their own.
      const normal = await SyncClient.make(s, "normal");
      const fuzzer = await SyncClient.make(s, "fuzzer");
      const shared = await normal.createRoom({ preset: "private_chat", invite: [fuzzer.userId] });
      const normalsOwn = await normal.createRoom({});
      await fuzzer.join(shared);
      const own = await fuzzer.createRoom({ preset: "public_chat", room_alias_name: `fuzz_${Date.now()}` });
      const ownAlias = (await fuzzer.expectOk("GET", `/rooms/${encodeURIComponent(own)}/state/m.room.canonical_alias`)).alias as string;
      const sharedEvent = await fuzzer.send(shared, "before the fuzz");
      const ownEvent = await fuzzer.send(own, "before the fuzz");
      const filterId = (await fuzzer.expectOk("POST", `/user/${encodeURIComponent(fuzzer.userId)}/filter`, { body: {} }))
        .filter_id as string;

      const random = new Random(SEED);
      const fixtures: Record<string, readonly string[]> = {
        roomId: [shared, own],
        roomIdOrAlias: [shared, own, ownAlias],
        roomAlias: [ownAlias, `#fuzz_other:${s.serverName}`],
        eventId: [sharedEvent, ownEvent],
        userId: [fuzzer.userId],
        deviceId: [fuzzer.deviceId],
        type: ["org.example.fuzz", "m.direct"],
        eventType: ["m.room.message", "org.example.fuzz", "m.room.topic", "m.room.power_levels"],
        stateKey: ["", "k", fuzzer.userId],
        kind: ["override", "content", "room", "sender", "underride"],
        ruleId: ["fuzzrule", ".m.rule.master"],
        keyName: ["displayname", "avatar_url", "org.example.fuzz"],
        filterId: [filterId, "0"],
        receiptType: ["m.read", "m.read.private", "m.fully_read"],
        relType: ["m.annotation", "m.thread"],
      };
      const valueFixtures = [shared, own, ownAlias, sharedEvent, ownEvent, fuzzer.userId, fuzzer.deviceId, filterId].map((v) =>
        JSON.stringify(v),
      );
      const json = new HostileJson(random, valueFixtures);

      const param = (name: string): string => {
        if (name === "txnId") return random.chance(0.7) ? `fuzz${random.int(1e9)}` : random.pick(HOSTILE_PARAMS);
        const valid = fixtures[name];
        if (valid && random.chance(0.7)) return encodeURIComponent(random.pick(valid));
        return random.pick(HOSTILE_PARAMS);
      };
      const body = (): Buffer => {
        const roll = random.int(100);
        if (roll < 35) return Buffer.from(json.object("hostile"));
        if (roll < 75) return Buffer.from(json.object("clean"));
        if (roll < 82) return Buffer.concat([Buffer.from('{"body":"'), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
        if (roll < 87) return Buffer.from(deepJson(5000 + random.int(50_000)));
        if (roll < 92) return Buffer.from(random.pick(["[1]", '"x"', "1e400", "null", "{", '{"a":1,"a":2}']));
        if (roll < 93) return Buffer.from(`{"a":"${"x".repeat(1_100_000)}"}`);
        return Buffer.from("{}");
      };
      const caseFor = (route: RouteInfo): Case => {
        const path = route.template
          .split("/")
          .map((segment) => (segment.startsWith("{") && segment.endsWith("}") ? param(segment.slice(1, -1)) : segment))
          .join("/");
        const query: string[] = [];
        if (random.chance(0.4)) {
          for (let i = 1 + random.int(3); i > 0; i--) query.push(`${random.pick(QUERY_NAMES)}=${random.pick(HOSTILE_QUERY_VALUES)}`);
        }
        // A /sync with a valid since would long-poll; none of the values above is one.
        const withQuery = query.length > 0 ? `${path}?${query.join("&")}` : path;
        return { method: route.method, path: withQuery, body: route.method === "GET" ? undefined : body(), template: route.template };
      };
      const cases: Case[] = [];
      for (let i = 0; i < CASES_PER_ROUTE; i++) for (const route of routes) cases.push(caseFor(route));

      // The fuzzer may log itself out (POST /logout takes no password); it logs in again.
      let token = fuzzer.accessToken;
      let relogin: Promise<void> | null = null;
      const loginAgain = (stale: string) => {
        if (token !== stale) return Promise.resolve();
        relogin ??= fuzzer.login(fuzzer.userId, fuzzer.password).then(({ accessToken }) => {
          token = accessToken;
          relogin = null;
        });
        return relogin;
      };

      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          const used = token;
          let answer: Answer;
          try {
            answer = await send(s.baseUrl, c, used);
          } catch (err) {
            failures.push(`${c.method} ${c.path.slice(0, 160)}: no answer (${(err as Error).message})`);
            continue;
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 500) {
            const sent = c.body === undefined ? "" : ` body ${c.body.toString("utf8").slice(0, 200)}`;
            failures.push(`${c.method} ${c.path.slice(0, 160)} (${c.template}):${sent} → ${answer.status} ${answer.body.slice(0, 200)}`);
          }
          if (answer.status === 401 && answer.body.includes("M_UNKNOWN_TOKEN")) await loginAgain(used);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      console.log(
        `      fuzz: ${cases.length} requests to ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      );
      expect(failures, `${failures.length} requests failed:\n${failures.slice(0, 25).join("\n")}`).to.deep.equal([]);

      // The server keeps answering, and a normal user's writes and reads flow: in the room the
      // fuzzer wrote hostile content to (a wedged consumer of that room would stop them), and
      // in a room of their own.
      await normal.expectOk("GET", "/_matrix/client/versions");
      const { next_batch: since } = await normal.sync({ timeout: "0" });
      const inShared = await normal.send(shared, "after the fuzz", "after1");
      const inOwn = await normal.send(normalsOwn, "after the fuzz", "after2");
      const seen = new Set<string>();
      await normal.syncUntil(
        since,
        (res) => {
          for (const room of Object.values((res.rooms?.join ?? {}) as Record<string, { timeline: { events: { event_id: string }[] } }>)) {
            for (const e of room.timeline.events) seen.add(e.event_id);
          }
          return seen.has(inShared) && seen.has(inOwn);
        },
        {},
        60_000,
      );
    });
  });
}

/** One request exactly as generated: node:http sends the path as it is (no normalisation of `..` or escapes). */
function send(baseUrl: string, c: Case, token: string): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (c.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = c.body.length;
    }
    const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    // A body over the limit is refused before it is read; the server may close the socket
    // while we still write, which is an answer (413), not a failure.
    req.on("error", reject);
    req.end(c.body);
  });
}

fuzzSuite("monolith", () => startMonolith(ENV));
// The test polylith runs no federationapi (the monolith's run covers its routes).
withPostgresAndNats("fuzz:polylith", () => fuzzSuite("polylith", () => startPolylith(ENV, { syncapi: true }), ["clientapi", "syncapi"]));
