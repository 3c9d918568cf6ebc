import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

const ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";
const VERSIONS = "/room_keys/version";
const VERSION = "/room_keys/version/{version}";
const KEYS = "/room_keys/keys";
const ROOM = "/room_keys/keys/{roomId}";
const SESSION = "/room_keys/keys/{roomId}/{sessionId}";
const ROOM_A = "!alpha:userapi.test";
const ROOM_B = "!beta:userapi.test";

const authData = (publicKey: string) => ({ public_key: publicKey, signatures: { "@x:userapi.test": { "ed25519:DEV": "sig" } } });
const keyData = (
  isVerified: boolean,
  firstMessageIndex: number,
  forwardedCount: number,
  ciphertext = `c${firstMessageIndex}${forwardedCount}`,
) => ({
  first_message_index: firstMessageIndex,
  forwarded_count: forwardedCount,
  is_verified: isVerified,
  session_data: { ephemeral: "eph", ciphertext, mac: "mac" },
});
const path = (roomId: string, sessionId?: string) =>
  `/room_keys/keys/${encodeURIComponent(roomId)}${sessionId === undefined ? "" : `/${encodeURIComponent(sessionId)}`}`;

/** Server-side key backups: versions, keys, the replacement rule, etags, errors, and who may see what. */
export function keyBackupCases(server: () => Deployment): void {
  const client = () => new TestClient(server().baseUrl);
  const newUser = (prefix: string) => client().register(uniqueName(prefix));
  const create = async (c: TestClient, publicKey = "pk") =>
    (await c.expectOk("POST", VERSIONS, { spec: VERSIONS, body: { algorithm: ALGORITHM, auth_data: authData(publicKey) } }))
      .version as string;
  const current = (c: TestClient) => c.expectOk("GET", VERSIONS, { spec: VERSIONS });

  it("creates versions as increasing integers; the current one is the latest not deleted, and deleted ones stay deleted", async () => {
    const c = await newUser("versions");
    await c.expectError("GET", VERSIONS, 404, "M_NOT_FOUND", { spec: VERSIONS });
    expect(await create(c, "first")).to.equal("1");
    expect(await current(c)).to.deep.equal({ algorithm: ALGORITHM, auth_data: authData("first"), count: 0, etag: "0", version: "1" });
    expect(await create(c, "second")).to.equal("2");
    expect((await current(c)).version).to.equal("2");
    expect((await c.expectOk("GET", "/room_keys/version/1", { spec: VERSION })).auth_data).to.deep.equal(authData("first"));

    expect(await c.expectOk("DELETE", "/room_keys/version/2", { spec: VERSION })).to.deep.equal({});
    expect((await current(c)).version).to.equal("1");
    await c.expectError("GET", "/room_keys/version/2", 404, "M_NOT_FOUND", { spec: VERSION });
    // Deleting a deleted version again succeeds; one that never existed is 404.
    expect(await c.expectOk("DELETE", "/room_keys/version/2", { spec: VERSION })).to.deep.equal({});
    await c.expectError("DELETE", "/room_keys/version/9", 404, "M_NOT_FOUND", { spec: VERSION });
    await c.expectError("DELETE", "/room_keys/version/abc", 404, "M_NOT_FOUND", { spec: VERSION });
    await c.expectError("GET", "/room_keys/version/abc", 404, "M_NOT_FOUND", { spec: VERSION });
    // A deleted version's number is never handed out again.
    expect(await create(c, "third")).to.equal("3");
    expect((await current(c)).version).to.equal("3");
    await c.expectOk("DELETE", "/room_keys/version/3", { spec: VERSION });
    await c.expectOk("DELETE", "/room_keys/version/1", { spec: VERSION });
    await c.expectError("GET", VERSIONS, 404, "M_NOT_FOUND", { spec: VERSIONS });
  });

  it("hands concurrent creations distinct versions", async () => {
    const c = await newUser("concurrent");
    const versions = await Promise.all([1, 2, 3, 4, 5].map(() => create(c)));
    expect([...versions].sort()).to.deep.equal(["1", "2", "3", "4", "5"]);
    expect((await current(c)).version).to.equal("5");
  });

  it("updates auth_data only: the algorithm must match and a version in the body must be the path's", async () => {
    const c = await newUser("update");
    const v = await create(c, "old");
    const url = `/room_keys/version/${v}`;
    expect(
      await c.expectOk("PUT", url, { spec: VERSION, body: { algorithm: ALGORITHM, auth_data: authData("new"), version: v } }),
    ).to.deep.equal({});
    expect((await current(c)).auth_data).to.deep.equal(authData("new"));
    await c.expectOk("PUT", url, { spec: VERSION, body: { algorithm: ALGORITHM, auth_data: authData("newer") } });
    expect((await current(c)).auth_data).to.deep.equal(authData("newer"));

    await c.expectError("PUT", url, 400, "M_INVALID_PARAM", {
      spec: VERSION,
      body: { algorithm: "org.example.other", auth_data: authData("x") },
    });
    await c.expectError("PUT", url, 400, "M_INVALID_PARAM", {
      spec: VERSION,
      body: { algorithm: ALGORITHM, auth_data: authData("x"), version: "7" },
    });
    await c.expectError("PUT", url, 400, "M_MISSING_PARAM", { spec: VERSION, body: { algorithm: ALGORITHM } });
    await c.expectError("PUT", url, 400, "M_BAD_JSON", { spec: VERSION, body: { algorithm: ALGORITHM, auth_data: "text" } });
    await c.expectError("PUT", "/room_keys/version/42", 404, "M_NOT_FOUND", {
      spec: VERSION,
      body: { algorithm: ALGORITHM, auth_data: authData("x") },
    });
    expect((await current(c)).auth_data).to.deep.equal(authData("newer"));

    await c.expectOk("DELETE", url, { spec: VERSION });
    await c.expectError("PUT", url, 404, "M_NOT_FOUND", { spec: VERSION, body: { algorithm: ALGORITHM, auth_data: authData("x") } });
  });

  it("refuses a creation without algorithm or with auth_data that is not an object", async () => {
    const c = await newUser("badcreate");
    await c.expectError("POST", VERSIONS, 400, "M_MISSING_PARAM", { spec: VERSIONS, body: { auth_data: authData("x") } });
    await c.expectError("POST", VERSIONS, 400, "M_MISSING_PARAM", { spec: VERSIONS, body: { algorithm: ALGORITHM } });
    await c.expectError("POST", VERSIONS, 400, "M_BAD_JSON", { spec: VERSIONS, body: { algorithm: 1, auth_data: {} } });
    await c.expectError("POST", VERSIONS, 400, "M_BAD_JSON", { spec: VERSIONS, body: { algorithm: ALGORITHM, auth_data: ["x"] } });
    await c.expectError("GET", VERSIONS, 404, "M_NOT_FOUND", { spec: VERSIONS });
  });

  it("stores, reads and counts keys for all rooms, one room and one session, with an etag that follows every change", async () => {
    const c = await newUser("keys");
    const v = await create(c);
    const version = { version: v };
    const put1 = await c.expectOk("PUT", path(ROOM_A, "s1"), { spec: SESSION, query: version, body: keyData(false, 3, 1) });
    expect(put1.count).to.equal(1);
    const put2 = await c.expectOk("PUT", path(ROOM_A), { spec: ROOM, query: version, body: { sessions: { s2: keyData(true, 0, 0) } } });
    expect(put2.count).to.equal(2);
    expect(put2.etag).to.not.equal(put1.etag);
    const put3 = await c.expectOk("PUT", KEYS, {
      spec: KEYS,
      query: version,
      body: { rooms: { [ROOM_B]: { sessions: { s3: keyData(false, 0, 2), s4: keyData(false, 1, 0) } } } },
    });
    expect(put3.count).to.equal(4);
    expect(put3.etag).to.not.equal(put2.etag);
    expect(await current(c)).to.include({ count: 4, etag: put3.etag, version: v });
    expect(await c.expectOk("GET", `/room_keys/version/${v}`, { spec: VERSION })).to.include({ count: 4, etag: put3.etag });

    expect(await c.expectOk("GET", path(ROOM_A, "s1"), { spec: SESSION, query: version })).to.deep.equal(keyData(false, 3, 1));
    expect(await c.expectOk("GET", path(ROOM_A), { spec: ROOM, query: version })).to.deep.equal({
      sessions: { s1: keyData(false, 3, 1), s2: keyData(true, 0, 0) },
    });
    expect(await c.expectOk("GET", KEYS, { spec: KEYS, query: version })).to.deep.equal({
      rooms: {
        [ROOM_A]: { sessions: { s1: keyData(false, 3, 1), s2: keyData(true, 0, 0) } },
        [ROOM_B]: { sessions: { s3: keyData(false, 0, 2), s4: keyData(false, 1, 0) } },
      },
    });
    // Nothing stored: an empty map, or 404 for one session.
    expect(await c.expectOk("GET", path("!empty:userapi.test"), { spec: ROOM, query: version })).to.deep.equal({ sessions: {} });
    await c.expectError("GET", path(ROOM_A, "nope"), 404, "M_NOT_FOUND", { spec: SESSION, query: version });
  });

  it("keeps the better key of a session: verified, then lower first_message_index, then lower forwarded_count", async () => {
    const c = await newUser("replace");
    const version = { version: await create(c) };
    const put = (body: unknown) => c.expectOk("PUT", path(ROOM_A, "s"), { spec: SESSION, query: version, body });
    const stored = () => c.expectOk("GET", path(ROOM_A, "s"), { spec: SESSION, query: version });
    const first = await put(keyData(false, 5, 2, "first"));

    // Worse or equal uploads change nothing, not even the etag.
    for (const worse of [keyData(false, 6, 0, "later index"), keyData(false, 5, 3, "more forwards"), keyData(false, 5, 2, "equal")]) {
      expect(await put(worse)).to.deep.equal(first);
      expect(await stored()).to.deep.equal(keyData(false, 5, 2, "first"));
    }
    const fewerForwards = await put(keyData(false, 5, 1, "fewer forwards"));
    expect(fewerForwards.etag).to.not.equal(first.etag);
    expect(fewerForwards.count).to.equal(1);
    expect(await stored()).to.deep.equal(keyData(false, 5, 1, "fewer forwards"));
    await put(keyData(false, 4, 9, "earlier index"));
    expect(await stored()).to.deep.equal(keyData(false, 4, 9, "earlier index"));
    await put(keyData(true, 8, 9, "verified"));
    expect(await stored()).to.deep.equal(keyData(true, 8, 9, "verified"));
    await put(keyData(false, 0, 0, "unverified"));
    expect(await stored()).to.deep.equal(keyData(true, 8, 9, "verified"));
  });

  it("keeps the best of concurrent uploads for one session, and counts it once", async () => {
    const c = await newUser("racing");
    const version = { version: await create(c) };
    const uploads = [
      keyData(false, 9, 0),
      keyData(false, 2, 3),
      keyData(true, 7, 1),
      keyData(true, 7, 0, "best"),
      keyData(false, 0, 0),
      keyData(true, 8, 0),
    ];
    const answers = await Promise.all(uploads.map((body) => c.expectOk("PUT", path(ROOM_A, "s"), { spec: SESSION, query: version, body })));
    for (const answer of answers) expect(answer.count).to.equal(1);
    expect(await c.expectOk("GET", path(ROOM_A, "s"), { spec: SESSION, query: version })).to.deep.equal(keyData(true, 7, 0, "best"));
  });

  it("stores only in the current version (403 M_WRONG_ROOM_KEYS_VERSION names it) and reads any live one", async () => {
    const c = await newUser("wrongversion");
    await c.expectError("PUT", path(ROOM_A, "s"), 404, "M_NOT_FOUND", {
      spec: SESSION,
      query: { version: "1" },
      body: keyData(false, 0, 0),
    });
    const v1 = await create(c);
    await c.expectOk("PUT", path(ROOM_A, "s"), { spec: SESSION, query: { version: v1 }, body: keyData(false, 0, 0) });
    const v2 = await create(c);
    for (const [method, url, spec, body] of [
      ["PUT", path(ROOM_A, "s"), SESSION, keyData(false, 0, 0)],
      ["PUT", path(ROOM_A), ROOM, { sessions: {} }],
      ["PUT", KEYS, KEYS, { rooms: {} }],
    ] as const) {
      const error = await c.expectError(method, url, 403, "M_WRONG_ROOM_KEYS_VERSION", { spec, query: { version: v1 }, body });
      expect(error.current_version).to.equal(v2);
      await c.expectError(method, url, 403, "M_WRONG_ROOM_KEYS_VERSION", { spec, query: { version: "77" }, body });
    }
    // The old version still holds its key; the new one starts empty.
    expect(await c.expectOk("GET", path(ROOM_A, "s"), { spec: SESSION, query: { version: v1 } })).to.deep.equal(keyData(false, 0, 0));
    expect(await c.expectOk("GET", KEYS, { spec: KEYS, query: { version: v2 } })).to.deep.equal({ rooms: {} });
    await c.expectError("GET", KEYS, 404, "M_NOT_FOUND", { spec: KEYS, query: { version: "77" } });
    await c.expectError("GET", path(ROOM_A), 404, "M_NOT_FOUND", { spec: ROOM, query: { version: "77" } });
    await c.expectError("GET", path(ROOM_A, "s"), 404, "M_NOT_FOUND", { spec: SESSION, query: { version: "77" } });
    await c.expectError("DELETE", KEYS, 404, "M_NOT_FOUND", { spec: KEYS, query: { version: "77" } });
    await c.expectError("GET", KEYS, 400, "M_MISSING_PARAM", { spec: KEYS });
    await c.expectError("PUT", KEYS, 400, "M_MISSING_PARAM", { spec: KEYS, body: { rooms: {} } });
  });

  it("deletes keys of one session, one room, or all, and a deleted version's keys with it", async () => {
    const c = await newUser("deletes");
    const v = await create(c);
    const version = { version: v };
    const filled = await c.expectOk("PUT", KEYS, {
      spec: KEYS,
      query: version,
      body: {
        rooms: {
          [ROOM_A]: { sessions: { a1: keyData(false, 0, 0), a2: keyData(false, 0, 0) } },
          [ROOM_B]: { sessions: { b1: keyData(false, 0, 0), b2: keyData(false, 0, 0) } },
        },
      },
    });
    expect(filled.count).to.equal(4);
    const one = await c.expectOk("DELETE", path(ROOM_A, "a1"), { spec: SESSION, query: version });
    expect(one.count).to.equal(3);
    expect(one.etag).to.not.equal(filled.etag);
    await c.expectError("GET", path(ROOM_A, "a1"), 404, "M_NOT_FOUND", { spec: SESSION, query: version });
    // Deleting what is not there changes nothing.
    expect(await c.expectOk("DELETE", path(ROOM_A, "a1"), { spec: SESSION, query: version })).to.deep.equal(one);
    const room = await c.expectOk("DELETE", path(ROOM_B), { spec: ROOM, query: version });
    expect(room.count).to.equal(1);
    expect(await c.expectOk("GET", KEYS, { spec: KEYS, query: version })).to.deep.equal({
      rooms: { [ROOM_A]: { sessions: { a2: keyData(false, 0, 0) } } },
    });
    const all = await c.expectOk("DELETE", KEYS, { spec: KEYS, query: version });
    expect(all.count).to.equal(0);
    expect(await c.expectOk("GET", KEYS, { spec: KEYS, query: version })).to.deep.equal({ rooms: {} });

    await c.expectOk("PUT", path(ROOM_A, "again"), { spec: SESSION, query: version, body: keyData(false, 0, 0) });
    await c.expectOk("DELETE", `/room_keys/version/${v}`, { spec: VERSION });
    await c.expectError("GET", KEYS, 404, "M_NOT_FOUND", { spec: KEYS, query: version });
    await c.expectError("DELETE", path(ROOM_A), 404, "M_NOT_FOUND", { spec: ROOM, query: version });
    const next = await create(c);
    expect(await c.expectOk("GET", KEYS, { spec: KEYS, query: { version: next } })).to.deep.equal({ rooms: {} });
  });

  it("refuses malformed keys with the matching error and stores none of the request", async () => {
    const c = await newUser("badkeys");
    const version = { version: await create(c) };
    const before = await c.expectOk("PUT", path(ROOM_A, "kept"), { spec: SESSION, query: version, body: keyData(false, 0, 0) });
    const good = keyData(true, 0, 0);
    const { session_data: _ignored, ...withoutSessionData } = good;
    const cases: Array<[string, string, unknown, string]> = [
      [KEYS, KEYS, {}, "M_MISSING_PARAM"],
      [KEYS, KEYS, { rooms: [] }, "M_BAD_JSON"],
      [KEYS, KEYS, { rooms: { "not a room": { sessions: {} } } }, "M_INVALID_PARAM"],
      [KEYS, KEYS, { rooms: { [ROOM_B]: { sessions: { ok: good, bad: { ...good, session_data: "text" } } } } }, "M_BAD_JSON"],
      [KEYS, KEYS, { rooms: { [ROOM_B]: {} } }, "M_MISSING_PARAM"],
      [path(ROOM_B), ROOM, { sessions: { ok: good, bad: withoutSessionData } }, "M_MISSING_PARAM"],
      [path(ROOM_B), ROOM, { sessions: { "": good } }, "M_INVALID_PARAM"],
      [path(ROOM_B), ROOM, { sessions: "s" }, "M_BAD_JSON"],
      [path(ROOM_B, "s"), SESSION, { ...good, first_message_index: "0" }, "M_BAD_JSON"],
      [path(ROOM_B, "s"), SESSION, { ...good, forwarded_count: 1.5 }, "M_BAD_JSON"],
      [path(ROOM_B, "s"), SESSION, { ...good, first_message_index: -1 }, "M_INVALID_PARAM"],
      [path(ROOM_B, "s"), SESSION, { ...good, is_verified: "yes" }, "M_BAD_JSON"],
      [path(ROOM_B, "s"), SESSION, { ...good, is_verified: undefined }, "M_MISSING_PARAM"],
      [path(ROOM_B, "s"), SESSION, { ...good, session_data: ["x"] }, "M_BAD_JSON"],
      [path("no-room", "s"), SESSION, good, "M_INVALID_PARAM"],
    ];
    for (const [url, spec, body, errcode] of cases) {
      await c.expectError("PUT", url, 400, errcode, { spec, query: version, body });
    }
    expect(await current(c)).to.include({ count: 1, etag: before.etag });
    expect(await c.expectOk("GET", KEYS, { spec: KEYS, query: version })).to.deep.equal({
      rooms: { [ROOM_A]: { sessions: { kept: keyData(false, 0, 0) } } },
    });
    await c.expectError("GET", path("no-room"), 400, "M_INVALID_PARAM", { spec: ROOM, query: version });
  });

  it("keeps each user's backups to that user", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const v = await create(alice, "alice's");
    await alice.expectOk("PUT", path(ROOM_A, "secret"), { spec: SESSION, query: { version: v }, body: keyData(true, 0, 0) });
    await bob.expectError("GET", VERSIONS, 404, "M_NOT_FOUND", { spec: VERSIONS });
    await bob.expectError("GET", `/room_keys/version/${v}`, 404, "M_NOT_FOUND", { spec: VERSION });
    await bob.expectError("GET", KEYS, 404, "M_NOT_FOUND", { spec: KEYS, query: { version: v } });
    await bob.expectError("PUT", path(ROOM_A, "secret"), 404, "M_NOT_FOUND", {
      spec: SESSION,
      query: { version: v },
      body: keyData(true, 0, 0),
    });
    await bob.expectError("DELETE", `/room_keys/version/${v}`, 404, "M_NOT_FOUND", { spec: VERSION });
    await bob.expectError("PUT", `/room_keys/version/${v}`, 404, "M_NOT_FOUND", {
      spec: VERSION,
      body: { algorithm: ALGORITHM, auth_data: {} },
    });
    // Bob's own first backup is his version 1, empty.
    const bobs = await create(bob, "bob's");
    expect(await bob.expectOk("GET", KEYS, { spec: KEYS, query: { version: bobs } })).to.deep.equal({ rooms: {} });
    expect(await current(alice)).to.include({ count: 1, version: v });
    expect((await current(alice)).auth_data).to.deep.equal(authData("alice's"));
  });

  it("refuses guests and requests without a token", async () => {
    const guest = client();
    const registered = await guest.expectOk("POST", "/register", { spec: "/register", query: { kind: "guest" }, body: {} });
    guest.accessToken = registered.access_token as string;
    const body = { algorithm: ALGORITHM, auth_data: authData("guest") };
    await guest.expectError("POST", VERSIONS, 403, "M_GUEST_ACCESS_FORBIDDEN", { spec: VERSIONS, body });
    await guest.expectError("GET", VERSIONS, 403, "M_GUEST_ACCESS_FORBIDDEN", { spec: VERSIONS });
    await guest.expectError("GET", KEYS, 403, "M_GUEST_ACCESS_FORBIDDEN", { spec: KEYS, query: { version: "1" } });
    await client().expectError("GET", VERSIONS, 401, "M_MISSING_TOKEN", { spec: VERSIONS });
    await client().expectError("PUT", KEYS, 401, "M_MISSING_TOKEN", { spec: KEYS, query: { version: "1" }, body: { rooms: {} } });
  });
}
