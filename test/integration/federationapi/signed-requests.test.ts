import { expect } from "chai";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { PgliteDatabase } from "../../../components/internal/database/pglite.js";
import { createHttpApp } from "../../../components/internal/http/app.js";
import { TrustedProxies } from "../../../components/internal/http/client-address.js";
import { Router } from "../../../components/internal/http/router.js";
import { TypedRoutes } from "../../../components/internal/http/typed-routes.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import { DirectKeyFetcher } from "../../../components/federationapi/keys/key-fetchers.js";
import { KeyRing } from "../../../components/federationapi/keys/key-ring.js";
import { Notary } from "../../../components/federationapi/keys/notary.js";
import { OwnKeys } from "../../../components/federationapi/keys/own-keys.js";
import { FederationClient, FederationRequestError } from "../../../components/federationapi/requests/federation-client.js";
import { HttpsClient } from "../../../components/federationapi/requests/https-client.js";
import { XMatrixAuthenticator } from "../../../components/federationapi/requests/inbound-auth.js";
import { SignedFederationClient } from "../../../components/federationapi/requests/signed-client.js";
import { FederationRoutes } from "../../../components/federationapi/routing/federation-routes.js";
import { addKeyServerRoutes } from "../../../components/federationapi/routing/keys.js";
import { FEDERATIONAPI_MIGRATIONS } from "../../../components/federationapi/storage/migrations.js";
import { generateSigningKey, signingKeyFromSeed, signXMatrixRequest, type SigningKey } from "../../../components/protocol/index.js";
import { makeTestCa, type TestCa } from "../../../testing/test-ca.js";

interface TestServer {
  readonly serverName: string;
  readonly https: Server;
  readonly router: Router;
}

/** A server on loopback HTTPS (certificate of the test CA) serving its own keys, with the federationapi's routing pieces. */
async function startServer(ca: TestCa, key: SigningKey, keyRing: (serverName: string) => KeyRing): Promise<TestServer> {
  const router = new Router();
  const https = createHttpsServer({ cert: ca.certPem, key: ca.keyPem });
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  const serverName = `localhost:${(https.address() as AddressInfo).port}`;
  const ownKeys = new OwnKeys({ serverName, signingKey: key, oldVerifyKeys: [], validityMs: 3_600_000 });
  const routes = new TypedRoutes(router, { lookupToken: () => Promise.resolve(null) });
  addKeyServerRoutes(routes, ownKeys, new Notary(keyRing(serverName), ownKeys));
  const app = createHttpApp({ logger: silentLogger(), router, maxJsonBodyBytes: 65536, trustedProxies: new TrustedProxies([]) });
  https.on("request", app.callback());
  return { serverName, https, router };
}

describe("federationapi signed requests between two servers over TLS", function () {
  this.timeout(60_000);
  let ca: TestCa;
  let db: Database;
  let a: TestServer;
  let b: TestServer;
  let client: FederationClient;
  let fromB: SignedFederationClient;
  const keyA = generateSigningKey();
  const keyB = generateSigningKey();

  before(async () => {
    ca = makeTestCa();
    db = await PgliteDatabase.open(null);
    await migrate(db, "federationapi", FEDERATIONAPI_MIGRATIONS);
    client = new FederationClient(new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: true, timeoutMs: 10_000 }));
    const ringFor = (serverName: string, key: SigningKey) =>
      new KeyRing({
        db,
        logger: silentLogger(),
        ownServerName: serverName,
        ownSigningKey: key,
        ownOldVerifyKeys: [],
        fetchers: [new DirectKeyFetcher(client)],
      });
    a = await startServer(ca, keyA, (name) => ringFor(name, keyA));
    b = await startServer(ca, keyB, (name) => ringFor(name, keyB));
    // A's authenticated endpoints: one that echoes what the handler is given.
    const federation = new FederationRoutes(a.router, new XMatrixAuthenticator(a.serverName, ringFor(a.serverName, keyA)));
    federation.put("/_matrix/federation/v1/test/{thing}", ({ ctx, origin, params, body }) => {
      ctx.body = { origin, thing: params.thing, body };
    });
    federation.get("/_matrix/federation/v1/test/{thing}", ({ ctx, origin, params }) => {
      ctx.body = { origin, thing: params.thing, query: ctx.query.q ?? null };
    });
    fromB = new SignedFederationClient(client, b.serverName, keyB);
  });
  after(async () => {
    a?.https.close();
    b?.https.close();
    await db?.close();
    ca?.remove();
  });

  /** A request to A with whatever Authorization headers the case needs; answers status and body. */
  const send = async (method: string, path: string, authorization: string[], body?: unknown) => {
    const https = new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: true, timeoutMs: 10_000 });
    const port = Number(a.serverName.split(":")[1]);
    const target = { host: "127.0.0.1", port, hostHeader: a.serverName, certificateName: "localhost", sni: "localhost" };
    const headers: Record<string, string[]> = authorization.length > 0 ? { authorization } : {};
    const res = await https.request(target, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  };
  const header = (
    key: SigningKey,
    overrides: { destination?: string; content?: unknown; uri?: string; method?: string; origin?: string } = {},
  ) =>
    signXMatrixRequest(
      {
        method: overrides.method ?? "PUT",
        uri: overrides.uri ?? "/_matrix/federation/v1/test/x",
        origin: overrides.origin ?? b.serverName,
        destination: overrides.destination ?? a.serverName,
        content: (overrides.content ?? { n: 1 }) as never,
      },
      key,
    );

  it("B's signed request reaches A's handler with B as the verified origin (A fetched B's key over TLS)", async () => {
    expect(await fromB.request(a.serverName, "PUT", "/_matrix/federation/v1/test/a%20b", { hello: ["world", 1] })).to.deep.equal({
      origin: b.serverName,
      thing: "a b",
      body: { hello: ["world", 1] },
    });
    // A GET with a query string: the signed URI includes it, percent-encoding as sent.
    expect(await fromB.request(a.serverName, "GET", "/_matrix/federation/v1/test/q?q=%F0%9F%90%88")).to.deep.equal({
      origin: b.serverName,
      thing: "q",
      query: "🐈",
    });
  });

  it("A accepts one valid header among several (one per key), and refuses every unauthenticated variant with 401 M_UNAUTHORIZED", async () => {
    const forger = signingKeyFromSeed(new Uint8Array(32).fill(9), keyB.version); // B's key ID, another key
    const unknownKey = generateSigningKey(); // a key ID B never published
    expect((await send("PUT", "/_matrix/federation/v1/test/x", [header(unknownKey), header(keyB)], { n: 1 })).status).to.equal(200);
    // Each refused for its own reason, which the error names.
    const cases: [string, string[], unknown, string][] = [
      ["no Authorization header", [], { n: 1 }, "needs an X-Matrix Authorization header"],
      ["a Bearer token instead", ["Bearer abc"], { n: 1 }, "needs an X-Matrix Authorization header"],
      ["a malformed X-Matrix header", ['X-Matrix origin="x"'], { n: 1 }, "missing key parameter"],
      ["another destination", [header(keyB, { destination: "elsewhere.test" })], { n: 1 }, "is not this server"],
      ["a forged signature (B's key ID, another key)", [header(forger)], { n: 1 }, "does not verify"],
      ["a key B never published", [header(unknownKey)], { n: 1 }, `no current key ${unknownKey.keyId}`],
      ["a body other than the one signed", [header(keyB)], { n: 2 }, "does not verify"],
      ["a signature for another path", [header(keyB, { uri: "/_matrix/federation/v1/test/y" })], { n: 1 }, "does not verify"],
      ["a signature for another method", [header(keyB, { method: "POST" })], { n: 1 }, "does not verify"],
      ["A's own name as origin", [header(keyA, { origin: a.serverName })], { n: 1 }, "this server's own name"],
      ["headers naming different origins", [header(keyB), header(keyA, { origin: "other.test" })], { n: 1 }, "different origins"],
    ];
    for (const [name, authorization, body, reason] of cases) {
      const res = await send("PUT", "/_matrix/federation/v1/test/x", authorization, body);
      expect([res.status, res.json.errcode], name).to.deep.equal([401, "M_UNAUTHORIZED"]);
      expect(res.json.error, name).to.include(reason);
    }
  });

  it("the signed client refuses loopback destinations unless federation.allow_private_destinations", async () => {
    const guarded = new SignedFederationClient(
      new FederationClient(new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: false, timeoutMs: 10_000 })),
      b.serverName,
      keyB,
    );
    const err = await guarded.request(a.serverName, "GET", "/_matrix/federation/v1/test/q").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FederationRequestError);
    expect(String(err)).to.include("allow_private_destinations");
  });
});
