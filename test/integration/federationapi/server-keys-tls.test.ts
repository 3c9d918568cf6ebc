import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { PgliteDatabase } from "../../../components/internal/database/pglite.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import { DirectKeyFetcher, NotaryKeyFetcher, notaryOf, type KeyFetcher } from "../../../components/federationapi/keys/key-fetchers.js";
import { KeyRing } from "../../../components/federationapi/keys/key-ring.js";
import { FederationClient } from "../../../components/federationapi/requests/federation-client.js";
import { DestinationRefused, HttpsClient } from "../../../components/federationapi/requests/https-client.js";
import { FEDERATIONAPI_MIGRATIONS } from "../../../components/federationapi/storage/migrations.js";
import { selectServerKeys } from "../../../components/federationapi/storage/server-keys.js";
import {
  generateSigningKey,
  isJsonObject,
  publicKeyObject,
  roomVersion,
  signJson,
  parseWellKnownResponse,
  verifyNotaryResponse,
  verifyServerKeys,
  type JsonObject,
  type SigningKey,
} from "../../../components/protocol/index.js";
import {
  createPostgresDatabase,
  dropPostgresDatabase,
  suiteVariant,
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  uniquePrefix,
  withPostgresAndNats,
} from "../../../testing/backends.js";
import { runCli, startCli, type RunningProcess } from "../../../testing/cli-process.js";
import { checkResponse, SPEC_AVAILABLE } from "../../../testing/openapi.js";
import { makeTestCa, type TestCa } from "../../../testing/test-ca.js";

const HOUR = 3_600_000;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real monolith over HTTPS on loopback, trusting the test CA, with one rotation behind it (so it has an old key). */
async function startServer(
  ca: TestCa,
  dir: string,
  backendEnv: NodeJS.ProcessEnv,
  options: { delegateTo?: (serverName: string) => string } = {},
): Promise<{ proc: RunningProcess; serverName: string }> {
  const port = await freePort();
  const serverName = `localhost:${port}`;
  const config = join(dir, "dendrite.yaml");
  const flags = [
    "--server-name",
    serverName,
    "--data-dir",
    dir,
    "--https-listen",
    `127.0.0.1:${port}`,
    "--tls-cert",
    ca.certPath,
    "--tls-key",
    ca.keyPath,
  ];
  const generated = await runCli(["generate-config", ...flags, "-o", config]);
  if (generated.code !== 0) throw new Error(`generate-config failed: ${generated.stderr}`);
  const rotated = await runCli(["rotate-signing-key", "--config", config]);
  if (rotated.code !== 0) throw new Error(`rotate-signing-key failed: ${rotated.stderr}`);
  const env = {
    ...backendEnv,
    DENDRITE_HTTP_LISTEN: "127.0.0.1:0",
    DENDRITE_GRPC_LISTEN: "127.0.0.1:0",
    DENDRITE_FEDERATION_KEY_VALIDITY_MS: String(HOUR),
    DENDRITE_FEDERATION_TLS_CA_PATH: ca.caPath,
    DENDRITE_FEDERATION_ALLOW_PRIVATE_DESTINATIONS: "true",
    ...(options.delegateTo ? { DENDRITE_FEDERATION_WELL_KNOWN_SERVER: options.delegateTo(serverName) } : {}),
  };
  return { proc: await startCli(["monolith", "--config", config], { env }), serverName };
}

/**
 * A notary on loopback HTTPS: answers POST /_matrix/key/v2/query by fetching each server's
 * keys and adding its own signature, as a trusted key server does. `tamper` alters an entry
 * after the origin signed it, as a lying notary would.
 */
async function startNotary(
  ca: TestCa,
  client: FederationClient,
  key: SigningKey,
  tamper: { value: boolean },
): Promise<{ server: Server; serverName: string }> {
  const port = await freePort();
  const serverName = `localhost:${port}`;
  const server = createHttpsServer({ cert: ca.certPem, key: ca.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { server_keys: Record<string, unknown> };
        const entries: JsonObject[] = [];
        for (const name of Object.keys(body.server_keys)) {
          let entry = (await client.requestJson(name, "GET", "/_matrix/key/v2/server")) as JsonObject;
          if (tamper.value) entry = { ...entry, valid_until_ts: (entry.valid_until_ts as number) + 1000 * HOUR };
          entries.push(signJson(entry, serverName, key.keyId, key));
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ server_keys: entries }));
      })().catch((e: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ errcode: "M_UNKNOWN", error: String(e) }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, serverName };
}

function suite(name: string, backendEnv: () => Promise<{ env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }>): void {
  describe(`federationapi server keys over TLS between servers [${name}]`, function () {
    suiteVariant(`federationapi server keys over TLS:${name}`);
    this.timeout(180_000);
    let ca: TestCa;
    let dir: string;
    let a: { proc: RunningProcess; serverName: string };
    /** A second real server, the notary B trusts. */
    let n: { proc: RunningProcess; serverName: string };
    let nDir: string;
    let cleanupBackend: () => Promise<void> = () => Promise.resolve();
    let db: Database;
    let trusting: FederationClient;
    let notary: { server: Server; serverName: string };
    const notaryKey = generateSigningKey();
    const tamper = { value: false };

    before(async () => {
      ca = makeTestCa();
      dir = mkdtempSync(join(tmpdir(), "dendrite-fedkeys-"));
      const backend = await backendEnv();
      cleanupBackend = backend.cleanup;
      a = await startServer(ca, dir, backend.env, { delegateTo: (name) => name.replace("localhost", "federation.localhost") });
      nDir = mkdtempSync(join(tmpdir(), "dendrite-fedkeys-notary-"));
      n = await startServer(ca, nDir, {});
      db = await PgliteDatabase.open(null);
      await migrate(db, "federationapi", FEDERATIONAPI_MIGRATIONS);
      trusting = new FederationClient(new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: true, timeoutMs: 10_000 }));
      notary = await startNotary(ca, trusting, notaryKey, tamper);
    });
    after(async () => {
      notary?.server.close();
      await db?.close();
      for (const server of [n, a]) {
        if (!server) continue;
        const { code } = await server.proc.stop("SIGTERM");
        expect(code).to.equal(0);
      }
      rmSync(nDir, { recursive: true, force: true });
      await cleanupBackend();
      rmSync(dir, { recursive: true, force: true });
      ca?.remove();
    });
    beforeEach(async () => {
      tamper.value = false;
      await db.execute("DELETE FROM federationapi_server_keys");
      await db.execute("DELETE FROM federationapi_server_key_responses");
    });

    const ringOf = (fetchers: KeyFetcher[]) =>
      new KeyRing({
        db,
        logger: silentLogger(),
        ownServerName: "b.test",
        ownSigningKey: generateSigningKey(),
        ownOldVerifyKeys: [],
        fetchers,
      });

    it("GET /_matrix/key/v2/server: A's current key and the rotated-out one, self-signed, valid for the configured hour", async () => {
      const before = Date.now();
      const json = await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server");
      const after = Date.now();
      if (SPEC_AVAILABLE) expect(checkResponse("server-server", "GET", "/server", 200, json)).to.equal(true);
      const keys = verifyServerKeys(json, { serverName: a.serverName, fetchedAt: after });
      const current = keys.filter((k) => k.expiredTs === undefined);
      const old = keys.filter((k) => k.expiredTs !== undefined);
      expect(current).to.have.length(1);
      expect(old).to.have.length(1);
      expect(old[0]!.expiredTs).to.be.at.most(before);
      expect(current[0]!.keyId).to.not.equal(old[0]!.keyId);
      const validUntil = (json as JsonObject).valid_until_ts as number;
      expect(validUntil).to.be.within(before + HOUR - 60_000, after + HOUR);
    });

    it("GET /_matrix/federation/v1/version needs no authentication (the spec gives it none)", async () => {
      const json = (await trusting.requestJson(a.serverName, "GET", "/_matrix/federation/v1/version")) as JsonObject;
      expect(isJsonObject(json.server)).to.equal(true);
    });

    it("GET /.well-known/matrix/server answers the configured delegation, cacheable, and 404 without one", async () => {
      const https = new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: true, timeoutMs: 10_000 });
      const get = (serverName: string) =>
        https.request(
          {
            host: "127.0.0.1",
            port: Number(serverName.split(":")[1]),
            hostHeader: serverName,
            certificateName: "localhost",
            sni: "localhost",
          },
          "GET",
          "/.well-known/matrix/server",
        );
      const delegated = await get(a.serverName);
      expect(parseWellKnownResponse(delegated)).to.deep.equal({
        ok: true,
        server: a.serverName.replace("localhost", "federation.localhost"),
      });
      expect(delegated.headers["cache-control"]).to.equal("max-age=86400");
      const none = await get(n.serverName);
      expect([none.status, (JSON.parse(none.body) as JsonObject).errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
    });

    it("the deprecated /_matrix/key/v2/server/{keyId} is not served (removed from the spec)", async () => {
      const err = await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server/ed25519:x").then(
        () => null,
        (e: unknown) => e as { status?: number },
      );
      expect(err?.status).to.equal(404);
    });

    it("B's key ring fetches A's keys directly, stores them, and answers for requests and events", async () => {
      const json = (await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server")) as JsonObject;
      const [currentId] = Object.keys(json.verify_keys as JsonObject);
      const [oldId] = Object.keys(json.old_verify_keys as JsonObject);
      const ring = ringOf([new DirectKeyFetcher(trusting)]);
      const key = await ring.keyForRequest(a.serverName, currentId!);
      expect(key).to.not.equal(null);
      expect(publicKeyObject((json.verify_keys as Record<string, { key: string }>)[currentId!]!.key).equals(key as never)).to.equal(true);
      // The retired key vouches for events before its expiry, never for requests.
      const expired = (json.old_verify_keys as Record<string, { expired_ts: number }>)[oldId!]!.expired_ts;
      expect(await ring.keyForEvent(a.serverName, oldId!, expired - 1, roomVersion("10"))).to.not.equal(null);
      expect(await ring.keyForEvent(a.serverName, oldId!, expired + 1, roomVersion("10"))).to.equal(null);
      expect(await ring.keyForRequest(a.serverName, oldId!)).to.equal(null);
      expect((await selectServerKeys(db, a.serverName)).map((k) => k.keyId).sort()).to.deep.equal([currentId, oldId].sort());
    });

    it("B's key ring fetches A's keys through a trusted notary, checking both signatures", async () => {
      const json = (await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server")) as JsonObject;
      const [currentId] = Object.keys(json.verify_keys as JsonObject);
      const trusted = notaryOf({ serverName: notary.serverName, keyId: notaryKey.keyId, publicKey: notaryKey.publicKeyBase64 });
      const ring = ringOf([new NotaryKeyFetcher(trusting, trusted)]);
      expect(await ring.keyForRequest(a.serverName, currentId!)).to.not.equal(null);
    });

    /** A raw request to a server of the suite, answering status and parsed body whatever the status. */
    const raw = async (serverName: string, method: string, path: string, body?: unknown) => {
      const client = new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: true, timeoutMs: 10_000 });
      const port = Number(serverName.split(":")[1]);
      const target = { host: "127.0.0.1", port, hostHeader: serverName, certificateName: "localhost", sni: "localhost" };
      const res = await client.request(target, method, path, {}, body === undefined ? undefined : JSON.stringify(body));
      return { status: res.status, json: JSON.parse(res.body) as JsonObject };
    };
    const nKeys = async () => {
      const json = (await trusting.requestJson(n.serverName, "GET", "/_matrix/key/v2/server")) as JsonObject;
      const [keyId, entry] = Object.entries(json.verify_keys as Record<string, { key: string }>)[0]!;
      return notaryOf({ serverName: n.serverName, keyId, publicKey: entry.key });
    };

    it("notary N: GET /_matrix/key/v2/query/{serverName} answers A's keys signed by A and by N", async () => {
      const { status, json } = await raw(n.serverName, "GET", `/_matrix/key/v2/query/${encodeURIComponent(a.serverName)}`);
      expect(status).to.equal(200);
      if (SPEC_AVAILABLE) expect(checkResponse("server-server", "GET", "/query/{serverName}", 200, json)).to.equal(true);
      const trusted = await nKeys();
      const checked = verifyNotaryResponse(json, { notary: n.serverName, notaryKeys: trusted.keys, fetchedAt: Date.now() });
      expect(checked.rejected).to.deep.equal([]);
      expect(new Set(checked.keys.map((k) => k.serverName))).to.deep.equal(new Set([a.serverName]));
      expect(checked.keys).to.have.length(2); // current and old
    });

    it("notary N: POST /_matrix/key/v2/query for A by key ID and for N itself; B's key ring trusts N's answer", async () => {
      const aKeys = (await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server")) as JsonObject;
      const [currentId] = Object.keys(aKeys.verify_keys as JsonObject);
      const query = { server_keys: { [a.serverName]: { [currentId!]: { minimum_valid_until_ts: Date.now() } }, [n.serverName]: {} } };
      const { status, json } = await raw(n.serverName, "POST", "/_matrix/key/v2/query", query);
      expect(status).to.equal(200);
      if (SPEC_AVAILABLE) expect(checkResponse("server-server", "POST", "/query", 200, json)).to.equal(true);
      const trusted = await nKeys();
      const checked = verifyNotaryResponse(json, { notary: n.serverName, notaryKeys: trusted.keys, fetchedAt: Date.now() });
      expect(checked.rejected).to.deep.equal([]);
      expect(new Set(checked.keys.map((k) => k.serverName))).to.deep.equal(new Set([a.serverName, n.serverName]));
      const ring = ringOf([new NotaryKeyFetcher(trusting, trusted)]);
      expect(await ring.keyForRequest(a.serverName, currentId!)).to.not.equal(null);
      // A server nobody can reach is left out, not an error.
      const unreachable = await raw(n.serverName, "POST", "/_matrix/key/v2/query", { server_keys: { "localhost:1": {} } });
      expect(unreachable).to.deep.equal({ status: 200, json: { server_keys: [] } });
    });

    it("notary N refuses malformed queries with the spec's errors", async () => {
      const cases: [string, string, unknown, number, string][] = [
        ["POST", "/_matrix/key/v2/query", { server_keys: [] }, 400, "M_BAD_JSON"],
        ["POST", "/_matrix/key/v2/query", {}, 400, "M_BAD_JSON"],
        ["POST", "/_matrix/key/v2/query", { server_keys: { "bad name!": {} } }, 400, "M_BAD_JSON"],
        [
          "POST",
          "/_matrix/key/v2/query",
          { server_keys: { [a.serverName]: { "ed25519:x": { minimum_valid_until_ts: "soon" } } } },
          400,
          "M_BAD_JSON",
        ],
        ["GET", `/_matrix/key/v2/query/${encodeURIComponent(a.serverName)}?minimum_valid_until_ts=soon`, undefined, 400, "M_INVALID_PARAM"],
        ["GET", "/_matrix/key/v2/query/bad%20name", undefined, 400, "M_INVALID_PARAM"],
      ];
      for (const [method, path, body, status, errcode] of cases) {
        const res = await raw(n.serverName, method, path, body);
        expect([res.status, res.json.errcode], `${method} ${path} ${JSON.stringify(body)}`).to.deep.equal([status, errcode]);
      }
    });

    it("refuses a notary signing with a key B does not trust, and an entry altered after A signed it; nothing is stored", async () => {
      const json = (await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server")) as JsonObject;
      const [currentId] = Object.keys(json.verify_keys as JsonObject);
      const impostorKey = generateSigningKey();
      const untrusted = notaryOf({ serverName: notary.serverName, keyId: notaryKey.keyId, publicKey: impostorKey.publicKeyBase64 });
      const query = { serverName: a.serverName, keyId: currentId!, minimumValidUntilTs: 0 };
      // The notary answered; its entry was refused (not an error on the way).
      expect(await new NotaryKeyFetcher(trusting, untrusted).fetch(query, Date.now())).to.deep.equal({ keys: [], responses: [] });
      expect(await ringOf([new NotaryKeyFetcher(trusting, untrusted)]).keyForRequest(a.serverName, currentId!)).to.equal(null);
      tamper.value = true;
      const trusted = notaryOf({ serverName: notary.serverName, keyId: notaryKey.keyId, publicKey: notaryKey.publicKeyBase64 });
      expect(await new NotaryKeyFetcher(trusting, trusted).fetch(query, Date.now())).to.deep.equal({ keys: [], responses: [] });
      expect(await ringOf([new NotaryKeyFetcher(trusting, trusted)]).keyForRequest(a.serverName, currentId!)).to.equal(null);
      expect(await selectServerKeys(db, a.serverName)).to.deep.equal([]);
    });

    it("refuses loopback destinations unless allowed, and certificates of a CA it was not told to trust", async () => {
      const guarded = new FederationClient(new HttpsClient({ ca: ca.caPem, allowPrivateDestinations: false, timeoutMs: 10_000 }));
      const refused = await guarded.requestJson(a.serverName, "GET", "/_matrix/key/v2/server").then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).to.be.instanceOf(Error);
      expect(String(refused)).to.include("allow_private_destinations");
      // The HTTPS client itself refuses before connecting.
      const direct = await new HttpsClient({ allowPrivateDestinations: false, timeoutMs: 10_000 })
        .request({ host: "127.0.0.1", port: 1, hostHeader: "x", certificateName: "x", sni: undefined }, "GET", "/")
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(direct).to.be.instanceOf(DestinationRefused);
      const systemCasOnly = new FederationClient(new HttpsClient({ allowPrivateDestinations: true, timeoutMs: 10_000 }));
      const untrustedCa = await systemCasOnly.requestJson(a.serverName, "GET", "/_matrix/key/v2/server").then(
        () => null,
        (e: unknown) => e,
      );
      expect(String(untrustedCa)).to.match(/certificate/i);
      expect(isJsonObject(await trusting.requestJson(a.serverName, "GET", "/_matrix/key/v2/server"))).to.equal(true);
    });
  });
}

suite("embedded", () => Promise.resolve({ env: {}, cleanup: () => Promise.resolve() }));
withPostgresAndNats("federationapi server keys over TLS:postgres+nats", () =>
  suite("postgres+nats", async () => {
    const url = await createPostgresDatabase(TEST_POSTGRES_URL!);
    return {
      env: { DENDRITE_DATABASE_POSTGRES: url, DENDRITE_EVENT_LOG_NATS: TEST_NATS_URL!, DENDRITE_EVENT_LOG_STREAM_PREFIX: uniquePrefix() },
      cleanup: () => dropPostgresDatabase(TEST_POSTGRES_URL!, url),
    };
  }),
);
