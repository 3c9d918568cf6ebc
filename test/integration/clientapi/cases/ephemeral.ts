import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { RoomClient } from "../room-client.js";

const TYPING = { spec: "/rooms/{roomId}/typing/{userId}" };
const RECEIPT = { spec: "/rooms/{roomId}/receipt/{receiptType}/{eventId}" };
const MARKERS = { spec: "/rooms/{roomId}/read_markers" };
const FULLY_READ = { spec: "/user/{userId}/rooms/{roomId}/account_data/{type}" };
const enc = encodeURIComponent;

export function ephemeralCases(server: () => Deployment): void {
  let alice: RoomClient;
  let outsider: RoomClient;
  let roomId: string;
  let eventId: string;
  before(async () => {
    [alice, outsider] = await Promise.all([RoomClient.register(server(), "typist"), RoomClient.register(server(), "lurker")]);
    roomId = await alice.createRoom();
    eventId = await alice.send(roomId, "read me");
  });
  const typing = (c: RoomClient, userId = c.userId) => `/rooms/${enc(roomId)}/typing/${enc(userId)}`;

  it("accepts typing notices from joined users for themselves", async () => {
    await alice.expectOk("PUT", typing(alice), { ...TYPING, body: { typing: true, timeout: 10_000 } });
    await alice.expectOk("PUT", typing(alice), { ...TYPING, body: { typing: true, timeout: 10_000_000 } });
    await alice.expectOk("PUT", typing(alice), { ...TYPING, body: { typing: false } });
  });

  it("refuses typing for others, outside the room, and with bad bodies", async () => {
    await alice.expectError("PUT", typing(alice, outsider.userId), 403, "M_FORBIDDEN", { ...TYPING, body: { typing: true } });
    await outsider.expectError("PUT", typing(outsider), 403, "M_FORBIDDEN", { ...TYPING, body: { typing: true } });
    await alice.expectError("PUT", typing(alice), 400, "M_MISSING_PARAM", { ...TYPING, body: {} });
    await alice.expectError("PUT", typing(alice), 400, "M_BAD_JSON", { ...TYPING, body: { typing: "yes" } });
    await alice.expectError("PUT", typing(alice), 400, "M_BAD_JSON", { ...TYPING, body: { typing: true, timeout: 1.5 } });
    await alice.expectError("PUT", typing(alice), 401, "M_MISSING_TOKEN", { ...TYPING, body: { typing: true }, token: null });
  });

  it("takes m.read and m.read.private receipts, threaded or not, and m.fully_read as account data", async () => {
    for (const type of ["m.read", "m.read.private"]) {
      await alice.expectOk("POST", `/rooms/${enc(roomId)}/receipt/${type}/${enc(eventId)}`, { ...RECEIPT, body: {} });
    }
    await alice.expectOk("POST", `/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, { ...RECEIPT, body: { thread_id: "main" } });
    await alice.expectOk("POST", `/rooms/${enc(roomId)}/receipt/m.fully_read/${enc(eventId)}`, { ...RECEIPT, body: {} });
    const marker = await alice.expectOk("GET", `/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/m.fully_read`, FULLY_READ);
    expect(marker).to.deep.equal({ event_id: eventId });
  });

  it("refuses unknown receipt types, bad event IDs, events of other rooms and outsiders", async () => {
    const url = (type: string, id: string) => `/rooms/${enc(roomId)}/receipt/${type}/${enc(id)}`;
    await alice.expectError("POST", url("m.seen", eventId), 400, "M_INVALID_PARAM", { ...RECEIPT, body: {} });
    await alice.expectError("POST", url("m.read", "not-an-event"), 400, "M_INVALID_PARAM", { ...RECEIPT, body: {} });
    await alice.expectError("POST", url("m.read", eventId), 400, "M_INVALID_PARAM", { ...RECEIPT, body: { thread_id: "sideways" } });
    await alice.expectError("POST", url("m.read", eventId), 400, "M_BAD_JSON", { ...RECEIPT, body: { thread_id: 1 } });
    const elsewhere = await alice.send(await alice.createRoom(), "elsewhere");
    await alice.expectError("POST", url("m.read", elsewhere), 404, "M_NOT_FOUND", { ...RECEIPT, body: {} });
    await outsider.expectError("POST", url("m.read", eventId), 403, "M_FORBIDDEN", { ...RECEIPT, body: {} });
  });

  it("sets read markers and receipts together through /read_markers", async () => {
    const later = await alice.send(roomId, "later");
    await alice.expectOk("POST", `/rooms/${enc(roomId)}/read_markers`, {
      ...MARKERS,
      body: { "m.fully_read": later, "m.read": later, "m.read.private": eventId },
    });
    const marker = await alice.expectOk("GET", `/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/m.fully_read`, FULLY_READ);
    expect(marker).to.deep.equal({ event_id: later });
    await alice.expectError("POST", `/rooms/${enc(roomId)}/read_markers`, 400, "M_BAD_JSON", { ...MARKERS, body: { "m.fully_read": 7 } });
    await alice.expectError("POST", `/rooms/${enc(roomId)}/read_markers`, 400, "M_INVALID_PARAM", {
      ...MARKERS,
      body: { "m.read": "nope" },
    });
    await outsider.expectError("POST", `/rooms/${enc(roomId)}/read_markers`, 403, "M_FORBIDDEN", { ...MARKERS, body: { "m.read": later } });
  });
}
