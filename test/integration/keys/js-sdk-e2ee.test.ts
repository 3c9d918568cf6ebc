import { expect } from "chai";
import type { MatrixEvent } from "matrix-js-sdk";
import {
  createClient,
  Direction,
  MatrixError,
  MatrixEventEvent,
  MemoryStore,
  Preset,
  type AuthDict,
  type MatrixClient,
} from "matrix-js-sdk";
import { suiteVariant } from "../../../testing/backends.js";
import { eventually } from "../../../testing/eventually.js";
import { startMonolith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { recentSdkLog, registerSdkClient, startSyncing, syncedUntil } from "../syncapi/sdk-client.js";

/**
 * Two matrix-js-sdk clients with the SDK's Rust cryptography (matrix-sdk-crypto-wasm) in an
 * encrypted room on the monolith: they upload their keys, find each other's devices through
 * /keys/query and device_lists, claim one-time keys to set up Olm sessions, share Megolm
 * keys by to-device messages and read each other's messages decrypted; a device added later
 * is announced to the other side and gets the keys of the messages sent after it came; a key
 * backup the SDK creates on the server (/room_keys/*) lets a new login read the old messages.
 */
const ENCRYPTION = { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } };

describe("matrix-js-sdk clients with Rust crypto in an encrypted room: monolith", function () {
  this.timeout(120_000);
  let server: Deployment | undefined;
  const clients: MatrixClient[] = [];
  // The Rust crypto logs through console.debug/info at debug level: kept here, shown on failure.
  const cryptoLog: string[] = [];
  const console_ = { debug: console.debug, info: console.info, warn: console.warn };
  const keep = (...args: unknown[]) => {
    cryptoLog.push(args.map(String).join(" "));
    if (cryptoLog.length > 300) cryptoLog.shift();
  };

  suiteVariant("keys:js-sdk");
  before(async function () {
    this.timeout(DEPLOYMENT_START_BUDGET_MS);
    console.debug = keep;
    console.info = keep;
    console.warn = keep;
    server = await startMonolith({ DENDRITE_RATE_LIMIT_ENABLED: "false" });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`the SDK's last log lines:\n${recentSdkLog()}\n${cryptoLog.join("\n")}`);
  });
  after(async () => {
    for (const client of clients) client.stopClient();
    Object.assign(console, console_);
    await server?.stop();
  });

  async function cryptoClient(prefix: string): Promise<MatrixClient> {
    return withCrypto(await registerSdkClient(server!, prefix));
  }

  /** Another device of the client's user (registerSdkClient's password), logged in as an app does. */
  async function newDevice(of: MatrixClient): Promise<MatrixClient> {
    const userId = of.getUserId()!;
    const password = `pw of ${userId.slice(1, userId.indexOf(":"))}`;
    const anonymous = createClient({ baseUrl: server!.baseUrl });
    const res = await anonymous.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password });
    const client = createClient({
      baseUrl: server!.baseUrl,
      userId,
      accessToken: res.access_token,
      deviceId: res.device_id,
      store: new MemoryStore(),
    });
    return withCrypto(client);
  }

  async function withCrypto(client: MatrixClient): Promise<MatrixClient> {
    await client.initRustCrypto({ useIndexedDB: false });
    clients.push(client);
    await startSyncing(client);
    return client;
  }

  /** The text of the room's messages as the client decrypted them, in timeline order. */
  function decryptedTexts(client: MatrixClient, roomId: string): string[] {
    const events = client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
    return events.filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body as string);
  }

  async function decrypted(event: MatrixEvent): Promise<void> {
    if (!event.isBeingDecrypted() && !event.isDecryptionFailure()) return;
    await new Promise((resolve) => event.once(MatrixEventEvent.Decrypted, resolve));
  }

  /** Alice and Bob, each with Rust crypto, both joined to a new private room created encrypted. */
  async function encryptedRoomOfTwo() {
    const alice = await cryptoClient("alice");
    const bob = await cryptoClient("bob");
    const bobId = bob.getUserId()!;
    const { room_id: roomId } = await alice.createRoom({
      preset: Preset.PrivateChat,
      invite: [bobId],
      initial_state: [ENCRYPTION],
    });
    await syncedUntil(bob, "alice's invite", () => bob.getRoom(roomId)?.getMyMembership() === "invite");
    await bob.joinRoom(roomId);
    await syncedUntil(alice, "bob's join", () => alice.getRoom(roomId)?.getMember(bobId)?.membership === "join");
    return { alice, bob, bobId, roomId };
  }

  /**
   * The room's encrypted messages as /messages serves them (oldest first), each the text the
   * client decrypts it to, or null where it cannot decrypt it.
   */
  async function historyTexts(client: MatrixClient, roomId: string): Promise<(string | null)[]> {
    const history = await client.createMessagesRequest(roomId, null, 50, Direction.Backward);
    const mapEvent = client.getEventMapper();
    const encrypted = history.chunk
      .map((raw) => mapEvent(raw))
      .filter((e) => e.isEncrypted())
      .reverse();
    const texts: (string | null)[] = [];
    for (const event of encrypted) {
      await event.getDecryptionPromise();
      texts.push(event.isDecryptionFailure() ? null : (event.getContent().body as string));
    }
    return texts;
  }

  it("messages sent both ways in an encrypted room are read decrypted by the other side", async () => {
    const { alice, bob, bobId, roomId } = await encryptedRoomOfTwo();

    const sent = await alice.sendTextMessage(roomId, "hello bob, secretly");
    const raw = await bob.fetchRoomEvent(roomId, sent.event_id);
    expect(raw.type, "the server only ever sees ciphertext").to.equal("m.room.encrypted");
    await syncedUntil(bob, "alice's message decrypted", () => decryptedTexts(bob, roomId).includes("hello bob, secretly"));

    await bob.sendTextMessage(roomId, "hello alice, secretly too");
    await syncedUntil(alice, "bob's message decrypted", () => decryptedTexts(alice, roomId).includes("hello alice, secretly too"));
    for (const e of alice.getRoom(roomId)!.getLiveTimeline().getEvents()) await decrypted(e);
    expect(decryptedTexts(alice, roomId)).to.deep.equal(["hello bob, secretly", "hello alice, secretly too"]);

    // Bob's new device is announced to alice (device_lists), who shares the next room key with it.
    const bobPhone = await newDevice(bob);
    await syncedUntil(bobPhone, "the room on bob's new device", () => bobPhone.getRoom(roomId)?.getMyMembership() === "join");
    // Alice's client learns of the device from device_lists.changed in its sync, not by asking.
    const knowsPhone = async () => (await alice.getCrypto()!.getUserDeviceInfo([bobId])).get(bobId)?.has(bobPhone.getDeviceId()!) === true;
    await eventually(knowsPhone, 20_000, "alice's client knowing bob's new device");
    await alice.sendTextMessage(roomId, "hello to both of bob's devices");
    await syncedUntil(bobPhone, "the new message decrypted on bob's new device", () =>
      decryptedTexts(bobPhone, roomId).includes("hello to both of bob's devices"),
    );
    await syncedUntil(bob, "the new message decrypted on bob's first device", () =>
      decryptedTexts(bob, roomId).includes("hello to both of bob's devices"),
    );
  });

  it("a key backup the SDK creates holds the room keys, and a new login restores it and reads the old messages", async () => {
    const { alice, bob, roomId } = await encryptedRoomOfTwo();

    // Bob's client encrypts only once its sync has shown it the room's encryption state.
    const bobEncrypts = async () =>
      bob.getRoom(roomId)?.getMyMembership() === "join" && (await bob.getCrypto()!.isEncryptionEnabledInRoom(roomId));
    await eventually(bobEncrypts, 20_000, "bob's client seeing the room encrypted");

    // Two Megolm sessions to back up: bob's (received by alice) and alice's own outbound one.
    const sent = ["bob's first secret", "bob's second secret", "alice's own secret"];
    await bob.sendTextMessage(roomId, sent[0]);
    await bob.sendTextMessage(roomId, sent[1]);
    await syncedUntil(alice, "bob's messages decrypted", () => decryptedTexts(alice, roomId).includes(sent[1]));
    await alice.sendTextMessage(roomId, sent[2]);
    await syncedUntil(alice, "alice's own message", () => decryptedTexts(alice, roomId).includes(sent[2]));

    // The SDK creates the backup version and its decryption key, then uploads the keys it holds.
    const crypto = alice.getCrypto()!;
    await crypto.resetKeyBackup();
    // resetKeyBackup starts the check that enables the new backup without waiting for it.
    let version: string | null = null;
    await eventually(
      async () => (version = await crypto.getActiveSessionBackupVersion()) !== null,
      20_000,
      "the new backup enabled on alice's device",
    );
    const backupKey = await crypto.getSessionBackupPrivateKey();
    expect(backupKey, "the SDK keeps the new backup's decryption key").to.be.instanceOf(Uint8Array);
    const serverCount = async () => {
      const res = await fetch(`${server!.baseUrl}/_matrix/client/v3/room_keys/version`, {
        headers: { Authorization: `Bearer ${alice.getAccessToken()}` },
      });
      const body = (await res.json()) as { version?: string; count?: number };
      return body.version === version ? (body.count ?? 0) : 0;
    };
    await eventually(async () => (await serverCount()) >= 2, 30_000, "both room keys uploaded to the backup");

    // A new login has no keys of its own for the old messages until it restores the backup.
    const aliceLaptop = await newDevice(alice);
    await syncedUntil(aliceLaptop, "the room on alice's new login", () => aliceLaptop.getRoom(roomId)?.getMyMembership() === "join");
    expect(await historyTexts(aliceLaptop, roomId), "nothing readable before the restore").to.deep.equal([null, null, null]);
    const laptopCrypto = aliceLaptop.getCrypto()!;
    await laptopCrypto.storeSessionBackupPrivateKey(backupKey!, version!);
    const restored = await laptopCrypto.restoreKeyBackup();
    expect(restored.total, "the keys found in the backup").to.be.at.least(2);

    // The old messages as /messages serves them, decrypted with the restored keys.
    expect(await historyTexts(aliceLaptop, roomId)).to.deep.equal(sent);
  });

  it("cross-signing bootstrapped by the SDK: first keys without a password, the device signed and seen so by others, a reset behind the password", async () => {
    const alice = await cryptoClient("alice");
    const bob = await cryptoClient("bob");
    const aliceId = alice.getUserId()!;
    const password = `pw of ${aliceId.slice(1, aliceId.indexOf(":"))}`;
    let challenges = 0;
    // What an app's callback does: try without auth, answer a 401 with the password stage.
    const authUpload = async (makeRequest: (auth: AuthDict | null) => Promise<void>) => {
      try {
        await makeRequest(null);
      } catch (err) {
        if (!(err instanceof MatrixError) || err.httpStatus !== 401) throw err;
        challenges++;
        const session = (err.data as { session?: string }).session;
        await makeRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: aliceId }, password, session });
      }
    };
    await alice.getCrypto()!.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: authUpload });
    expect(challenges, "the first keys need no password").to.equal(0);
    expect(await alice.getCrypto()!.isCrossSigningReady()).to.equal(true);

    // Bob tracks alice once they share an encrypted room; her device carries her self-signing key's
    // signature in what the server serves him.
    const { room_id: roomId } = await alice.createRoom({
      preset: Preset.PrivateChat,
      invite: [bob.getUserId()!],
      initial_state: [ENCRYPTION],
    });
    await syncedUntil(bob, "alice's invite", () => bob.getRoom(roomId)?.getMyMembership() === "invite");
    await bob.joinRoom(roomId);
    const signedForBob = async () =>
      (await bob.getCrypto()!.getDeviceVerificationStatus(aliceId, alice.getDeviceId()!))?.signedByOwner === true;
    await eventually(signedForBob, 20_000, "bob seeing alice's device signed by her self-signing key");
    const own = await alice.getCrypto()!.getDeviceVerificationStatus(aliceId, alice.getDeviceId()!);
    expect(own?.crossSigningVerified).to.equal(true);

    await alice.getCrypto()!.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: authUpload });
    expect(challenges, "replacing the keys needs the password").to.equal(1);
    expect(await alice.getCrypto()!.isCrossSigningReady()).to.equal(true);
  });
});
