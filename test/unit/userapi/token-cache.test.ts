import type { EventLog, SubscribeOptions } from "../../../components/internal/eventlog/eventlog.js";
import { subjectToken } from "../../../components/internal/eventlog/subjects.js";
import type { TokenOwner } from "../../../components/userapi/api/userapi.js";
import { decodeTokenRevocation } from "../../../components/userapi/codecs/token-revocation.js";
import { followRevocations } from "../../../components/userapi/consumers/token-revocations.js";
import { TokenCache } from "../../../components/userapi/devices/token-cache.js";
import { TokenRevocations } from "../../../components/userapi/devices/token-revocations.js";
import { hashAccessToken, newAccessToken } from "../../../components/userapi/devices/tokens.js";
import { TokenRevocationProducer } from "../../../components/userapi/producers/token-revocations.js";
import { expect } from "chai";

const owner: TokenOwner = { userId: "@a:b", deviceId: "D", isGuest: false };

/** A loader that answers `owner` for every token (or null) and counts its calls. */
function loader(answer: TokenOwner | null = owner) {
  const calls: string[] = [];
  return {
    calls,
    load: (token: string) => (hash: Buffer) => {
      expect(hash).to.deep.equal(hashAccessToken(token));
      calls.push(token);
      return Promise.resolve(answer);
    },
  };
}

function enabledCache(options: ConstructorParameters<typeof TokenCache>[0] = {}): TokenCache {
  const cache = new TokenCache(options);
  cache.enable();
  return cache;
}

describe("userapi: access tokens and their lookup cache", () => {
  it("makes tokens of 32 random bytes and stores only their SHA-256", () => {
    const token = newAccessToken();
    expect(token).to.match(/^dts_[A-Za-z0-9_-]{43}$/);
    expect(newAccessToken()).to.not.equal(token);
    expect(hashAccessToken(token)).to.have.length(32);
  });

  it("answers a known token from the cache, keyed by its hash, never by the token", async () => {
    const cache = enabledCache();
    const { calls, load } = loader();
    expect(await cache.lookup("tok", load("tok"))).to.deep.equal(owner);
    expect(await cache.lookup("tok", load("tok"))).to.deep.equal(owner);
    expect(calls).to.deep.equal(["tok"]);
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).to.deep.equal([hashAccessToken("tok").toString("hex")]);
  });

  it("does not keep unknown tokens", async () => {
    const cache = enabledCache();
    const { calls, load } = loader(null);
    expect(await cache.lookup("nobody", load("nobody"))).to.equal(null);
    expect(await cache.lookup("nobody", load("nobody"))).to.equal(null);
    expect(calls).to.have.length(2);
    expect(cache.size).to.equal(0);
  });

  it("forgets entries after their lifetime, and the least recently used when full", async () => {
    let now = 0;
    const cache = enabledCache({ ttlMs: 60_000, maxEntries: 2, now: () => now });
    const { calls, load } = loader();
    await cache.lookup("a", load("a"));
    now = 59_999;
    await cache.lookup("a", load("a"));
    now = 60_000;
    await cache.lookup("a", load("a")); // expired: looked up again, kept until 120 000
    expect(calls).to.deep.equal(["a", "a"]);
    await cache.lookup("b", load("b"));
    await cache.lookup("a", load("a")); // a is now the most recently used
    await cache.lookup("c", load("c")); // full: b goes
    calls.length = 0;
    for (const token of ["a", "c", "b"]) await cache.lookup(token, load(token));
    expect(calls).to.deep.equal(["b"]);
  });

  it("drops revoked tokens, and does not keep an answer that was in flight when a revocation came", async () => {
    const cache = enabledCache();
    const { calls, load } = loader();
    await cache.lookup("a", load("a"));
    await cache.lookup("b", load("b"));
    cache.delete([hashAccessToken("a")]);
    await cache.lookup("a", load("a"));
    await cache.lookup("b", load("b"));
    expect(calls).to.deep.equal(["a", "b", "a"]);

    // The userapi read the token before it was revoked; the answer arrives after the news.
    let answer!: (owner: TokenOwner) => void;
    const pending = cache.lookup("c", () => new Promise((resolve) => (answer = resolve)));
    cache.delete([hashAccessToken("c")]);
    answer(owner);
    expect(await pending).to.deep.equal(owner);
    expect(cache.size).to.equal(2);
    calls.length = 0;
    await cache.lookup("c", load("c"));
    expect(calls).to.deep.equal(["c"]);
  });

  it("caches nothing until enabled, and forgets everything when disabled", async () => {
    const cache = new TokenCache();
    const { calls, load } = loader();
    await cache.lookup("a", load("a"));
    await cache.lookup("a", load("a"));
    expect(calls).to.have.length(2);
    cache.enable();
    await cache.lookup("a", load("a"));
    cache.disable();
    await cache.lookup("a", load("a"));
    expect(calls).to.have.length(4);
    expect(cache.size).to.equal(0);
  });
});

/** A log that hands each publish to the matching subscribers at once, as the in-process log does. */
function fakeLog() {
  const published: Array<{ subject: string; data: Uint8Array }> = [];
  const subscribers: Array<{ pattern: string; options: SubscribeOptions }> = [];
  const log = {
    publish: async (subject: string, data: Uint8Array) => {
      published.push({ subject, data });
      for (const s of subscribers) if (subject.startsWith(s.pattern.replace(">", ""))) s.options.handler(subject, data);
      return { seq: published.length, duplicate: false };
    },
    subscribe: async (pattern: string, options: SubscribeOptions) => {
      subscribers.push({ pattern, options });
      return {
        stop: async () =>
          void subscribers.splice(
            subscribers.findIndex((s) => s.options === options),
            1,
          ),
      };
    },
  };
  return { log: log as unknown as EventLog, published, subscribers };
}

describe("userapi: token revocations", () => {
  const userId = "@alice:example.org";

  it("drops the tokens here and in every following cache before revoke resolves", async () => {
    const { log, published } = fakeLog();
    const local = enabledCache();
    const elsewhere = new TokenCache();
    const subscription = await followRevocations(log, elsewhere);
    const { calls, load } = loader();
    for (const cache of [local, elsewhere]) for (const token of ["a", "b"]) await cache.lookup(token, load(token));
    expect(calls).to.have.length(4);

    await new TokenRevocations(local, new TokenRevocationProducer(log)).revoke(userId, [hashAccessToken("a")]);
    expect(published.map((p) => p.subject)).to.deep.equal([`OutputTokenRevocation.${subjectToken(userId)}`]);
    expect(decodeTokenRevocation(published[0]!.data)).to.deep.equal({ userId, tokenHashes: [hashAccessToken("a")] });
    calls.length = 0;
    for (const cache of [local, elsewhere]) for (const token of ["a", "b"]) await cache.lookup(token, load(token));
    expect(calls).to.deep.equal(["a", "a"]);

    await subscription.stop();
    await new TokenRevocations(local, new TokenRevocationProducer(log)).revoke(userId, []);
    expect(published).to.have.length(1);
  });

  it("keeps a following cache off while its subscription may miss news, and clears it on a message it cannot read", async () => {
    const { log, subscribers } = fakeLog();
    const cache = new TokenCache();
    await followRevocations(log, cache);
    const { options } = subscribers[0]!;
    const { calls, load } = loader();
    await cache.lookup("a", load("a"));
    options.onLiveChange!(false);
    await cache.lookup("a", load("a"));
    await cache.lookup("a", load("a"));
    options.onLiveChange!(true);
    await cache.lookup("a", load("a"));
    await cache.lookup("a", load("a"));
    expect(calls).to.have.length(4);
    options.handler("OutputTokenRevocation.x", new Uint8Array([0xff, 0xff]));
    expect(cache.size).to.equal(0);
  });

  it("refuses to revoke without a log, where running servers would not hear of it", async () => {
    const cache = enabledCache();
    await cache.lookup("a", loader().load("a"));
    const err = await new TokenRevocations(cache, null).revoke(userId, [hashAccessToken("a")]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect(cache.size).to.equal(0);
  });
});
