import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";
import type { FetchedKeys, KeyFetcher, KeyQuery } from "../../../components/federationapi/keys/key-fetchers.js";
import { KeyRing } from "../../../components/federationapi/keys/key-ring.js";
import { FEDERATIONAPI_MIGRATIONS } from "../../../components/federationapi/storage/migrations.js";
import { buildServerKeys, roomVersion, signingKeyFromSeed, verifyServerKeys } from "../../../components/protocol/index.js";
import { DATABASE_BACKENDS, pendingDatabaseBackends } from "../../../testing/backends.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const ours = signingKeyFromSeed(new Uint8Array(32).fill(1), "a_ours");
const ourOld = signingKeyFromSeed(new Uint8Array(32).fill(2), "a_ourold");
const remote = signingKeyFromSeed(new Uint8Array(32).fill(3), "a_rem");
const remoteOld = signingKeyFromSeed(new Uint8Array(32).fill(4), "a_remold");
const V4 = roomVersion("4");
const V10 = roomVersion("10");

/** A fetcher serving what the remote server would publish at the time of the fetch, counting its calls. */
class FakeFetcher implements KeyFetcher {
  calls: KeyQuery[] = [];
  failing = false;
  constructor(
    readonly name: string,
    private readonly publish: (now: number) => { validUntilTs: number; withOld: boolean },
  ) {}
  async fetch(query: KeyQuery, now: number): Promise<FetchedKeys> {
    this.calls.push(query);
    await Promise.resolve();
    if (this.failing) throw new Error(`${this.name} is down`);
    const { validUntilTs, withOld } = this.publish(now);
    const json = buildServerKeys(
      {
        serverName: "remote.test",
        verifyKeys: [{ keyId: remote.keyId, publicKey: remote.publicKeyBase64 }],
        oldVerifyKeys: withOld ? [{ keyId: remoteOld.keyId, publicKey: remoteOld.publicKeyBase64, expiredTs: T0 - DAY }] : [],
        validUntilTs,
      },
      [remote],
    );
    return { keys: verifyServerKeys(json, { serverName: "remote.test", fetchedAt: now }), responses: [json] };
  }
}

for (const backend of DATABASE_BACKENDS) {
  describe(`federationapi key ring [${backend.name}]`, function () {
    this.timeout(30_000);
    let db: Database;
    let drop: () => Promise<void>;
    let now = T0;
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "federationapi", FEDERATIONAPI_MIGRATIONS);
    });
    after(() => drop());
    beforeEach(async () => {
      await db.execute("DELETE FROM federationapi_server_keys");
      await db.execute("DELETE FROM federationapi_server_key_responses");
      now = T0;
    });

    const ring = (fetchers: KeyFetcher[]) =>
      new KeyRing({
        db,
        logger: silentLogger(),
        ownServerName: "ours.test",
        ownSigningKey: ours,
        ownOldVerifyKeys: [{ keyId: ourOld.keyId, publicKey: ourOld.publicKeyBase64, expiredTs: T0 - DAY }],
        fetchers,
        now: () => now,
        retryAfterMs: 60_000,
      });

    it("answers our own keys without fetching: the current one, and a retired one only for events before it expired", async () => {
      const direct = new FakeFetcher("direct", (t) => ({ validUntilTs: t + DAY, withOld: false }));
      const keys = ring([direct]);
      expect(await keys.keyForRequest("ours.test", ours.keyId)).to.not.equal(null);
      expect(await keys.keyForEvent("ours.test", ourOld.keyId, T0 - 2 * DAY, V10)).to.not.equal(null);
      expect(await keys.keyForEvent("ours.test", ourOld.keyId, T0, V10)).to.equal(null);
      expect(await keys.keyForRequest("ours.test", ourOld.keyId)).to.equal(null);
      expect(direct.calls).to.have.length(0);
    });

    it("fetches a remote key once, stores it, and answers later lookups from storage", async () => {
      const direct = new FakeFetcher("direct", (t) => ({ validUntilTs: t + DAY, withOld: true }));
      const keys = ring([direct]);
      const [a, b] = await Promise.all([keys.keyForRequest("remote.test", remote.keyId), keys.keyForRequest("remote.test", remote.keyId)]);
      expect(a).to.not.equal(null);
      expect(b).to.not.equal(null);
      expect(direct.calls).to.have.length(1); // concurrent lookups share the fetch
      // A fresh ring (another process, a restart) finds it in the database.
      const again = ring([direct]);
      expect(await again.keyForEvent("remote.test", remote.keyId, T0 + DAY / 2, V10)).to.not.equal(null);
      expect(await again.keyForEvent("remote.test", remoteOld.keyId, T0 - 2 * DAY, V10)).to.not.equal(null);
      expect(direct.calls).to.have.length(1);
    });

    it("room v5+: refetches a key whose stored valid_until_ts is before the event, and refuses it if still too short", async () => {
      const direct = new FakeFetcher("direct", (t) => ({ validUntilTs: t + DAY, withOld: false }));
      const keys = ring([direct]);
      expect(await keys.keyForRequest("remote.test", remote.keyId)).to.not.equal(null);
      // An event from two days later: the stored validity (T0 + 1 day) is too short, so the key is fetched again.
      now = T0 + 3 * DAY;
      expect(await keys.keyForEvent("remote.test", remote.keyId, T0 + 2 * DAY, V10)).to.not.equal(null);
      expect(direct.calls.map((c) => c.minimumValidUntilTs)).to.deep.equal([T0, T0 + 2 * DAY]);
      // Room v1-v4 ignore valid_until_ts: an event far beyond it needs no fetch and is accepted.
      expect(await keys.keyForEvent("remote.test", remote.keyId, T0 + 100 * DAY, V4)).to.not.equal(null);
      expect(direct.calls).to.have.length(2);
      // In v10 the same event is refused: the server vouches for its key only a day ahead.
      expect(await keys.keyForEvent("remote.test", remote.keyId, T0 + 100 * DAY, V10)).to.equal(null);
    });

    it("keeps the longest validity a key was vouched for: events it signed while valid stay verifiable", async () => {
      let validity = 5 * DAY;
      const direct = new FakeFetcher("direct", (t) => ({ validUntilTs: t + validity, withOld: false }));
      const keys = ring([direct]);
      expect(await keys.keyForRequest("remote.test", remote.keyId)).to.not.equal(null);
      validity = DAY;
      now = T0 + 10 * DAY;
      expect(await keys.keyForRequest("remote.test", remote.keyId)).to.not.equal(null);
      expect(await keys.keyForEvent("remote.test", remote.keyId, T0 + 4 * DAY, V10)).to.not.equal(null);
      expect(direct.calls).to.have.length(2);
    });

    it("goes to the notaries when the server itself cannot be reached, and waits before fetching a missing key again", async () => {
      const direct = new FakeFetcher("direct", (t) => ({ validUntilTs: t + DAY, withOld: false }));
      direct.failing = true;
      const notary = new FakeFetcher("notary", (t) => ({ validUntilTs: t + DAY, withOld: false }));
      const keys = ring([direct, notary]);
      expect(await keys.keyForRequest("remote.test", remote.keyId)).to.not.equal(null);
      expect([direct.calls.length, notary.calls.length]).to.deep.equal([1, 1]);
      // A key nobody publishes: both asked once, then not again within retryAfterMs.
      expect(await keys.keyForRequest("remote.test", "ed25519:unknown")).to.equal(null);
      expect(await keys.keyForRequest("remote.test", "ed25519:unknown")).to.equal(null);
      expect([direct.calls.length, notary.calls.length]).to.deep.equal([2, 2]);
      now += 61_000;
      expect(await keys.keyForRequest("remote.test", "ed25519:unknown")).to.equal(null);
      expect([direct.calls.length, notary.calls.length]).to.deep.equal([3, 3]);
    });
  });
}
pendingDatabaseBackends("federationapi key ring");
