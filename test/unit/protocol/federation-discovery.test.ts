import { expect } from "chai";
import { ProtocolError } from "../../../components/protocol/errors.js";
import { orderSrv, resolveServerName, type DiscoveryLookups, type SrvRecord } from "../../../components/protocol/federation/discovery.js";
import { TtlCache } from "../../../components/protocol/federation/ttl-cache.js";
import {
  cacheTtlFromHeaders,
  parseWellKnownResponse,
  WellKnownResolver,
  type WellKnownResponse,
} from "../../../components/protocol/federation/well-known.js";

const HOUR = 3_600_000;

/** Fake DNS and well-known: records what was asked so tests can check the algorithm's path. */
function fakeLookups(wellKnown: Record<string, string>, srv: Record<string, SrvRecord[]>): DiscoveryLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    wellKnown: async (host) => {
      asked.push(`well-known ${host}`);
      return wellKnown[host];
    },
    srv: async (name) => {
      asked.push(`srv ${name}`);
      return srv[name] ?? [];
    },
    random: () => 0,
  };
}

const rec = (name: string, port: number, priority = 10, weight = 0): SrvRecord => ({ name, port, priority, weight });

describe("protocol/federation server discovery", () => {
  describe("resolveServerName (spec 'Resolving server names')", () => {
    type Row = {
      step: string;
      name: string;
      wellKnown?: Record<string, string>;
      srv?: Record<string, SrvRecord[]>;
      targets: [string, number][];
      hostHeader: string;
      certificateName: string;
      sni: string | undefined;
      asked: string[];
    };
    const rows: Row[] = [
      {
        step: "ip-literal",
        name: "1.2.3.4",
        targets: [["1.2.3.4", 8448]],
        hostHeader: "1.2.3.4",
        certificateName: "1.2.3.4",
        sni: undefined,
        asked: [],
      },
      {
        step: "ip-literal",
        name: "1.2.3.4:1234",
        targets: [["1.2.3.4", 1234]],
        hostHeader: "1.2.3.4:1234",
        certificateName: "1.2.3.4",
        sni: undefined,
        asked: [],
      },
      {
        step: "ip-literal",
        name: "[1234:5678::abcd]",
        targets: [["1234:5678::abcd", 8448]],
        hostHeader: "[1234:5678::abcd]",
        certificateName: "1234:5678::abcd",
        sni: undefined,
        asked: [],
      },
      {
        step: "ip-literal",
        name: "[::1]:5678",
        targets: [["::1", 5678]],
        hostHeader: "[::1]:5678",
        certificateName: "::1",
        sni: undefined,
        asked: [],
      },
      {
        step: "explicit-port",
        name: "matrix.org:8888",
        // Delegation and SRV exist but an explicit port means neither is consulted.
        wellKnown: { "matrix.org": "elsewhere.example" },
        srv: { "_matrix-fed._tcp.matrix.org": [rec("srv.example", 1)] },
        targets: [["matrix.org", 8888]],
        hostHeader: "matrix.org:8888",
        certificateName: "matrix.org",
        sni: "matrix.org",
        asked: [],
      },
      {
        step: "well-known-ip-literal",
        name: "example.org",
        wellKnown: { "example.org": "10.0.0.1" },
        targets: [["10.0.0.1", 8448]],
        hostHeader: "10.0.0.1",
        certificateName: "10.0.0.1",
        sni: undefined,
        asked: ["well-known example.org"],
      },
      {
        step: "well-known-ip-literal",
        name: "example.org",
        wellKnown: { "example.org": "[2001:db8::1]:9000" },
        targets: [["2001:db8::1", 9000]],
        hostHeader: "[2001:db8::1]:9000",
        certificateName: "2001:db8::1",
        sni: undefined,
        asked: ["well-known example.org"],
      },
      {
        step: "well-known-explicit-port",
        name: "example.org",
        wellKnown: { "example.org": "delegated.example.com:1234" },
        srv: { "_matrix-fed._tcp.delegated.example.com": [rec("nope.example", 1)] },
        targets: [["delegated.example.com", 1234]],
        hostHeader: "delegated.example.com:1234",
        certificateName: "delegated.example.com",
        sni: "delegated.example.com",
        asked: ["well-known example.org"],
      },
      {
        step: "well-known-srv",
        name: "example.org",
        wellKnown: { "example.org": "delegated.example.com" },
        srv: {
          "_matrix-fed._tcp.delegated.example.com": [rec("fed.example.net.", 443)],
          "_matrix._tcp.delegated.example.com": [rec("legacy.example.net", 8449)],
        },
        targets: [["fed.example.net", 443]],
        hostHeader: "delegated.example.com",
        certificateName: "delegated.example.com",
        sni: "delegated.example.com",
        asked: ["well-known example.org", "srv _matrix-fed._tcp.delegated.example.com"],
      },
      {
        step: "well-known-srv-legacy",
        name: "example.org",
        wellKnown: { "example.org": "delegated.example.com" },
        srv: { "_matrix._tcp.delegated.example.com": [rec("legacy.example.net", 8449)] },
        targets: [["legacy.example.net", 8449]],
        hostHeader: "delegated.example.com",
        certificateName: "delegated.example.com",
        sni: "delegated.example.com",
        asked: ["well-known example.org", "srv _matrix-fed._tcp.delegated.example.com", "srv _matrix._tcp.delegated.example.com"],
      },
      {
        step: "well-known-default-port",
        name: "example.org",
        wellKnown: { "example.org": "delegated.example.com" },
        // SRV on the original name must not be used once delegation succeeded.
        srv: { "_matrix-fed._tcp.example.org": [rec("wrong.example", 1)] },
        targets: [["delegated.example.com", 8448]],
        hostHeader: "delegated.example.com",
        certificateName: "delegated.example.com",
        sni: "delegated.example.com",
        asked: ["well-known example.org", "srv _matrix-fed._tcp.delegated.example.com", "srv _matrix._tcp.delegated.example.com"],
      },
      {
        step: "srv",
        name: "example.org",
        srv: {
          "_matrix-fed._tcp.example.org": [rec("fed.example.net", 8000)],
          "_matrix._tcp.example.org": [rec("legacy.example.net", 8001)],
        },
        targets: [["fed.example.net", 8000]],
        // Host and certificate stay the original name, not the SRV target.
        hostHeader: "example.org",
        certificateName: "example.org",
        sni: "example.org",
        asked: ["well-known example.org", "srv _matrix-fed._tcp.example.org"],
      },
      {
        step: "srv-legacy",
        name: "example.org",
        srv: { "_matrix._tcp.example.org": [rec("legacy.example.net", 8001)] },
        targets: [["legacy.example.net", 8001]],
        hostHeader: "example.org",
        certificateName: "example.org",
        sni: "example.org",
        asked: ["well-known example.org", "srv _matrix-fed._tcp.example.org", "srv _matrix._tcp.example.org"],
      },
      {
        step: "default-port",
        name: "example.org",
        targets: [["example.org", 8448]],
        hostHeader: "example.org",
        certificateName: "example.org",
        sni: "example.org",
        asked: ["well-known example.org", "srv _matrix-fed._tcp.example.org", "srv _matrix._tcp.example.org"],
      },
    ];

    for (const row of rows) {
      const delegation = row.wellKnown?.[row.name];
      it(`${row.step}: ${row.name}${delegation !== undefined ? ` (well-known → ${delegation})` : ""}`, async () => {
        const lookups = fakeLookups(row.wellKnown ?? {}, row.srv ?? {});
        const got = await resolveServerName(row.name, lookups);
        expect(got).to.deep.equal({
          serverName: row.name,
          targets: row.targets.map(([host, port]) => ({ host, port })),
          hostHeader: row.hostHeader,
          certificateName: row.certificateName,
          sni: row.sni,
          step: row.step,
        });
        expect(lookups.asked).to.deep.equal(row.asked);
      });
    }

    it("orders several SRV targets by priority", async () => {
      const lookups = fakeLookups(
        {},
        {
          "_matrix-fed._tcp.example.org": [rec("b.example", 2, 20), rec("a.example", 1, 10), rec("c.example", 3, 30)],
        },
      );
      const got = await resolveServerName("example.org", lookups);
      expect(got.targets.map((t) => t.host)).to.deep.equal(["a.example", "b.example", "c.example"]);
    });

    it("treats an invalid delegated name from a custom lookup as no delegation", async () => {
      const got = await resolveServerName("example.org", fakeLookups({ "example.org": "https://bad/" }, {}));
      expect(got.step).to.equal("default-port");
      expect(got.hostHeader).to.equal("example.org");
    });

    it("rejects an invalid server name with BAD_ID", async () => {
      for (const bad of ["", "exa mple.org", "example.org:", "example.org:99999", "[1.2.3.4]", "300.1.1.1"]) {
        let error: unknown;
        await resolveServerName(bad, fakeLookups({}, {})).catch((e) => (error = e));
        expect(error, bad).to.be.instanceOf(ProtocolError);
        expect((error as ProtocolError).code).to.equal("BAD_ID");
      }
    });

    it("fails when SRV says the service is decidedly not available ('.')", async () => {
      let error: unknown;
      await resolveServerName("example.org", fakeLookups({}, { "_matrix-fed._tcp.example.org": [rec(".", 0)] })).catch((e) => (error = e));
      expect(error).to.be.instanceOf(ProtocolError);
      expect((error as ProtocolError).code).to.equal("DISCOVERY");
      expect((error as Error).message).to.include("_matrix-fed._tcp.example.org");
    });

    it("lets a DNS failure propagate rather than guessing port 8448", async () => {
      const lookups: DiscoveryLookups = {
        wellKnown: async () => undefined,
        srv: async () => {
          throw new Error("SERVFAIL");
        },
      };
      let error: unknown;
      await resolveServerName("example.org", lookups).catch((e) => (error = e));
      expect((error as Error).message).to.equal("SERVFAIL");
    });
  });

  describe("orderSrv (RFC 2782)", () => {
    const group = [rec("zero.example", 1, 10, 0), rec("light.example", 2, 10, 10), rec("heavy.example", 3, 10, 90)];

    it("draws by weight within a priority", () => {
      // Draw in [0, 100]: 0 picks the zero-weight record, 1..10 light, 11..100 heavy.
      expect(orderSrv(group, "s", () => 0)[0]!.host).to.equal("zero.example");
      expect(orderSrv(group, "s", () => 0.05)[0]!.host).to.equal("light.example");
      expect(orderSrv(group, "s", () => 0.5)[0]!.host).to.equal("heavy.example");
    });

    it("returns every usable record once, lower priorities first", () => {
      const all = [...group, rec("backup.example", 4, 20, 0), rec(".", 0, 0, 0)];
      const out = orderSrv(all, "s", () => 0.99);
      expect(out.map((t) => t.host).sort()).to.deep.equal(["backup.example", "heavy.example", "light.example", "zero.example"]);
      expect(out[3]!.host).to.equal("backup.example");
    });
  });

  describe("well-known response", () => {
    const res = (status: number, body: string, headers: Record<string, string> = {}): WellKnownResponse => ({ status, body, headers });

    it("reads m.server whatever the content type", () => {
      expect(parseWellKnownResponse(res(200, '{"m.server":"delegated.example.com:1234"}'))).to.deep.equal({
        ok: true,
        server: "delegated.example.com:1234",
      });
    });

    const invalid: [string, WellKnownResponse, boolean][] = [
      ["404", res(404, "not found"), false],
      ["503 (transient)", res(503, ""), true],
      ["bad JSON", res(200, "{nope"), false],
      ["a JSON array", res(200, "[]"), false],
      ["missing m.server", res(200, "{}"), false],
      ["m.server not a string", res(200, '{"m.server":1}'), false],
      ["m.server not a server name", res(200, '{"m.server":"https://x.example/"}'), false],
    ];
    for (const [what, r, temporary] of invalid) {
      it(`treats ${what} as no delegation`, () => {
        const out = parseWellKnownResponse(r);
        expect(out.ok).to.equal(false);
        if (!out.ok) expect(out.temporary).to.equal(temporary);
      });
    }

    it("derives the cache time from Cache-Control and Expires", () => {
      const now = Date.parse("2024-01-01T00:00:00Z");
      expect(cacheTtlFromHeaders({}, now)).to.equal(undefined);
      expect(cacheTtlFromHeaders({ "cache-control": "public, max-age=600" }, now)).to.equal(600_000);
      expect(cacheTtlFromHeaders({ "cache-control": "Max-Age=60", expires: "Mon, 01 Jan 2024 05:00:00 GMT" }, now)).to.equal(60_000);
      expect(cacheTtlFromHeaders({ expires: "Mon, 01 Jan 2024 05:00:00 GMT" }, now)).to.equal(5 * HOUR);
      expect(cacheTtlFromHeaders({ expires: "0" }, now)).to.equal(0);
      expect(cacheTtlFromHeaders({ "cache-control": "no-store, max-age=600" }, now)).to.equal(0);
    });
  });

  describe("WellKnownResolver caching", () => {
    function setup(responses: (WellKnownResponse | Error)[]) {
      let now = Date.parse("2024-01-01T00:00:00Z");
      let fetches = 0;
      const resolver = new WellKnownResolver({
        now: () => now,
        random: () => 0.5, // no jitter
        fetch: async () => {
          const r = responses[Math.min(fetches++, responses.length - 1)]!;
          if (r instanceof Error) throw r;
          return r;
        },
      });
      return {
        resolver,
        advance: (ms: number) => (now += ms),
        fetches: () => fetches,
      };
    }
    const ok = (headers: Record<string, string> = {}): WellKnownResponse => ({
      status: 200,
      body: '{"m.server":"d.example:443"}',
      headers,
    });

    it("caches a success for 24 hours by default", async () => {
      const t = setup([ok()]);
      expect(await t.resolver.lookup("example.org")).to.equal("d.example:443");
      t.advance(24 * HOUR - 1);
      expect(await t.resolver.lookup("example.org")).to.equal("d.example:443");
      expect(t.fetches()).to.equal(1);
      t.advance(1);
      await t.resolver.lookup("example.org");
      expect(t.fetches()).to.equal(2);
    });

    it("respects Cache-Control but never beyond 48 hours", async () => {
      const short = setup([ok({ "cache-control": "max-age=60" })]);
      await short.resolver.lookup("example.org");
      short.advance(60_000);
      await short.resolver.lookup("example.org");
      expect(short.fetches()).to.equal(2);

      const long = setup([ok({ "cache-control": "max-age=31536000" })]);
      await long.resolver.lookup("example.org");
      long.advance(48 * HOUR - 1);
      await long.resolver.lookup("example.org");
      expect(long.fetches()).to.equal(1);
      long.advance(1);
      await long.resolver.lookup("example.org");
      expect(long.fetches()).to.equal(2);
    });

    it("does not cache a no-store success", async () => {
      const t = setup([ok({ "cache-control": "no-store" })]);
      await t.resolver.lookup("example.org");
      await t.resolver.lookup("example.org");
      expect(t.fetches()).to.equal(2);
    });

    it("caches an invalid well-known for an hour", async () => {
      const t = setup([{ status: 404, body: "", headers: {} }, ok()]);
      expect(await t.resolver.lookup("example.org")).to.equal(undefined);
      t.advance(HOUR - 1);
      expect(await t.resolver.lookup("example.org")).to.equal(undefined);
      expect(t.fetches()).to.equal(1);
      t.advance(1);
      expect(await t.resolver.lookup("example.org")).to.equal("d.example:443");
    });

    it("backs off exponentially on repeated transient failures, up to an hour", async () => {
      const t = setup([new Error("ECONNREFUSED")]);
      await t.resolver.lookup("example.org");
      const ttls: number[] = [];
      for (let i = 0; i < 7; i++) {
        // How long this failure stays cached, found one minute at a time; the lookup that
        // refetches fails again and starts the next round.
        const before = t.fetches();
        let waited = 0;
        while (t.fetches() === before) {
          t.advance(60_000);
          waited += 60_000;
          await t.resolver.lookup("example.org");
        }
        ttls.push(waited / 60_000);
      }
      expect(ttls).to.deep.equal([2, 4, 8, 16, 32, 60, 60]);
    });

    it("shares one fetch between concurrent lookups", async () => {
      const t = setup([ok()]);
      const [a, b] = await Promise.all([t.resolver.lookup("example.org"), t.resolver.lookup("example.org")]);
      expect([a, b]).to.deep.equal(["d.example:443", "d.example:443"]);
      expect(t.fetches()).to.equal(1);
    });

    it("plugs into resolveServerName", async () => {
      const t = setup([{ status: 200, body: '{"m.server":"matrix.example.org"}', headers: {} }]);
      const lookups: DiscoveryLookups = { wellKnown: (h) => t.resolver.lookup(h), srv: async () => [] };
      const got = await resolveServerName("example.org", lookups);
      expect(got.targets).to.deep.equal([{ host: "matrix.example.org", port: 8448 }]);
      expect(got.hostHeader).to.equal("matrix.example.org");
      await resolveServerName("example.org", lookups);
      expect(t.fetches()).to.equal(1);
    });
  });

  describe("TtlCache", () => {
    it("expires entries by the injected clock and bounds its size", () => {
      let now = 0;
      const cache = new TtlCache<string, number>({ now: () => now, maxEntries: 2 });
      cache.set("a", 1, 10);
      expect(cache.get("a")).to.equal(1);
      now = 10;
      expect(cache.get("a")).to.equal(undefined);
      cache.set("a", 1, 100);
      cache.set("b", 2, 100);
      cache.set("c", 3, 100);
      expect(cache.has("a")).to.equal(false);
      expect(cache.size).to.equal(2);
      cache.set("b", 2, 0);
      expect(cache.has("b")).to.equal(false);
    });
  });
});
