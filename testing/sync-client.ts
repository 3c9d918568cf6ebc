import { expect } from "chai";
import type { Deployment } from "./deployment.js";
import { uniqueName } from "./test-client.js";
import { RoomClient } from "../test/integration/clientapi/room-client.js";

export type Json = Record<string, any>;
const enc = encodeURIComponent;

/** A client that also reads: /sync, history and state, each response checked against the spec. */
export class SyncClient extends RoomClient {
  static async make(server: Deployment, prefix = "s"): Promise<SyncClient> {
    return new SyncClient(server.baseUrl).register(uniqueName(prefix));
  }

  // The writes wait until the syncapi has their result, so a read right after sees it.
  override async send(roomId: string, body: string, txnId?: string): Promise<string> {
    const eventId = await super.send(roomId, body, txnId);
    await this.seen(roomId, eventId);
    return eventId;
  }

  override async putState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    const eventId = await super.putState(roomId, type, stateKey, content);
    await this.seen(roomId, eventId);
    return eventId;
  }

  override async join(roomIdOrAlias: string): Promise<void> {
    await super.join(roomIdOrAlias);
    await this.membershipSeen(roomIdOrAlias, this.userId, "join");
  }

  override async invite(roomId: string, userId: string): Promise<void> {
    await super.invite(roomId, userId);
    await this.membershipSeen(roomId, userId, "invite");
  }

  async leave(roomId: string): Promise<void> {
    await this.expectOk("POST", roomPath(roomId, "/leave"), { body: {} });
    await this.membershipSeen(roomId, this.userId, "leave");
  }

  /**
   * Waits until the syncapi shows `userId` with `membership` (read as this client), in the
   * room's full state: GET of one state event is the clientapi's, which reads the roomserver.
   */
  async membershipSeen(roomId: string, userId: string, membership: string, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const res = await this.request("GET", roomPath(roomId, "/state"));
      const state = res.status === 200 ? (res.body as unknown as Json[]) : [];
      const member = state.find((e) => e.type === "m.room.member" && e.state_key === userId);
      if (member?.content.membership === membership) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the syncapi did not show ${userId} as ${membership} in ${roomId} within ${ms} ms`);
  }

  async sync(query: Record<string, string> = {}): Promise<Json> {
    return this.expectOk("GET", "/sync", { spec: "/sync", query });
  }

  /** Syncs (long-polling) from `since` until `done` holds for a response; returns that response. */
  async syncUntil(since: string, done: (res: Json) => boolean, query: Record<string, string> = {}, ms = 10_000): Promise<Json> {
    const end = Date.now() + ms;
    let token = since;
    while (Date.now() < end) {
      const res = await this.sync({ timeout: "2000", ...query, since: token });
      if (done(res)) return res;
      token = res.next_batch;
    }
    throw new Error("the expected sync response did not come");
  }

  async messages(roomId: string, query: Record<string, string> = {}): Promise<Json> {
    return this.expectOk("GET", `/rooms/${enc(roomId)}/messages`, { spec: "/rooms/{roomId}/messages", query: { dir: "b", ...query } });
  }

  /**
   * Waits until the syncapi has the event. The writers answer once the roomserver stored it;
   * the syncapi consumes it from the log a moment later (in the polylith, over NATS).
   */
  async seen(roomId: string, eventId: string, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const res = await this.request("GET", roomPath(roomId, `/event/${enc(eventId)}`));
      if (res.status === 200) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the syncapi did not get ${eventId} within ${ms} ms`);
  }

  async get(path: string, spec: string, query: Record<string, string> = {}): Promise<Json> {
    return this.expectOk("GET", path, { spec, query });
  }
}

export function roomPath(roomId: string, rest = ""): string {
  return `/rooms/${enc(roomId)}${rest}`;
}

/** The bodies of m.room.message events in a list of events. */
export function bodies(events: Json[]): string[] {
  return events.filter((e) => e.type === "m.room.message").map((e) => e.content.body);
}

export function joined(res: Json, roomId: string): Json {
  const room = res.rooms.join[roomId];
  expect(room, `room ${roomId} in rooms.join: ${JSON.stringify(res.rooms)}`).to.be.an("object");
  return room;
}

/** A room with two members: `a` created it (with `createBody`), `b` joined. */
export async function twoMemberRoom(server: Deployment, createBody: Json = { preset: "public_chat" }) {
  const a = await SyncClient.make(server, "a");
  const b = await SyncClient.make(server, "b");
  const roomId = await a.createRoom(createBody);
  await b.join(roomId);
  return { a, b, roomId };
}
