import { expect } from "chai";
import { Preset, type MatrixClient, type Room } from "matrix-js-sdk";
import { suiteVariant } from "../../../testing/backends.js";
import { startMonolith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { recentSdkLog, registerSdkClient, startSyncing, syncedUntil } from "./sdk-client.js";

/**
 * Two matrix-js-sdk clients, each with its own sync loop, chat through the monolith from the
 * built CLI (`npm run build` first): what a real client builds from /sync must match on both
 * sides, event for event. Everything waits on what the clients' syncs deliver, never on time.
 */
const MESSAGES_EACH = 50;

function roomOf(client: MatrixClient, roomId: string): Room {
  const room = client.getRoom(roomId);
  if (!room) throw new Error(`${client.getUserId()} does not know ${roomId}`);
  return room;
}

const timelineIds = (client: MatrixClient, roomId: string) =>
  roomOf(client, roomId)
    .getLiveTimeline()
    .getEvents()
    .map((e) => e.getId()!);

async function sendMessages(client: MatrixClient, roomId: string, who: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < MESSAGES_EACH; i++) ids.push((await client.sendTextMessage(roomId, `${who} says ${i}`)).event_id);
  return ids;
}

describe("matrix-js-sdk clients end to end: monolith", function () {
  this.timeout(60_000);
  let server: Deployment | undefined;
  const clients: MatrixClient[] = [];

  suiteVariant("syncapi:js-sdk");
  before(async function () {
    this.timeout(DEPLOYMENT_START_BUDGET_MS);
    server = await startMonolith({ DENDRITE_RATE_LIMIT_ENABLED: "false" });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`the SDK's last log lines:\n${recentSdkLog()}`);
  });
  after(async () => {
    for (const client of clients) client.stopClient();
    await server?.stop();
  });

  it("two clients chat, rename, redact, type, read and leave; both timelines end identical", async () => {
    const alice = await registerSdkClient(server!, "alice");
    const bob = await registerSdkClient(server!, "bob");
    clients.push(alice, bob);
    await Promise.all([startSyncing(alice), startSyncing(bob)]);
    const aliceId = alice.getUserId()!;
    const bobId = bob.getUserId()!;

    const { room_id: roomId } = await alice.createRoom({ preset: Preset.PublicChat });
    await bob.joinRoom(roomId);
    await syncedUntil(alice, "bob's join", () => roomOf(alice, roomId).getMember(bobId)?.membership === "join");

    // Both send at once, so the server interleaves the two clients' messages.
    const [fromAlice, fromBob] = await Promise.all([sendMessages(alice, roomId, "alice"), sendMessages(bob, roomId, "bob")]);
    await alice.setRoomName(roomId, "The end-to-end room");
    await alice.setRoomTopic(roomId, "Where two SDK clients meet");
    const redactedId = fromBob[10]!;
    await bob.redactEvent(roomId, redactedId);

    await alice.sendTyping(roomId, true, 30_000);
    await syncedUntil(bob, "alice typing", () => roomOf(bob, roomId).getMember(aliceId)?.typing === true);
    await alice.sendTyping(roomId, false, 0);
    await syncedUntil(bob, "alice no longer typing", () => roomOf(bob, roomId).getMember(aliceId)?.typing === false);

    const lastFromAlice = roomOf(bob, roomId).findEventById(fromAlice.at(-1)!)!;
    await bob.sendReadReceipt(lastFromAlice);
    // The SDK synthesises receipts for senders; only a receipt from the server counts here.
    await syncedUntil(
      alice,
      "bob's read receipt",
      () => roomOf(alice, roomId).getReadReceiptForUserId(bobId, true)?.eventId === lastFromAlice.getId(),
    );

    await bob.leave(roomId);
    await syncedUntil(alice, "bob's leave", () => roomOf(alice, roomId).getMember(bobId)?.membership === "leave");
    await syncedUntil(bob, "bob's own leave", () => roomOf(bob, roomId).getMyMembership() === "leave");

    const seenByAlice = timelineIds(alice, roomId);
    const seenByBob = timelineIds(bob, roomId);
    expect(seenByBob).to.deep.equal(seenByAlice);
    expect(new Set(seenByAlice).size, "no event twice").to.equal(seenByAlice.length);
    for (const sent of [fromAlice, fromBob]) {
      const positions = sent.map((id) => seenByAlice.indexOf(id));
      expect(positions, "every message in the timeline, in the order it was sent").to.deep.equal([...positions].sort((x, y) => x - y));
      expect(positions).to.not.include(-1);
    }
    for (const client of [alice, bob]) {
      const room = roomOf(client, roomId);
      expect(room.findEventById(redactedId)!.isRedacted(), `redacted for ${client.getUserId()}`).to.equal(true);
      expect(room.findEventById(redactedId)!.getContent()).to.deep.equal({});
      expect(room.name).to.equal("The end-to-end room");
      expect(room.currentState.getStateEvents("m.room.topic", "")!.getContent().topic).to.equal("Where two SDK clients meet");
    }
    expect(roomOf(alice, roomId).getLiveTimeline().getEvents().at(-1)!.getContent().membership).to.equal("leave");
  });
});
