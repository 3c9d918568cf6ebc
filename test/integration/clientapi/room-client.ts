import { expect } from "chai";
import { roomserverGrpcClient } from "../../../components/roomserver/grpc/client.js";
import type { RoomserverApi } from "../../../components/roomserver/api/roomserver-api.js";
import { parseStored } from "../../../components/roomserver/api/stored-events.js";
import type { RoomEvent } from "../../../components/protocol/events/event.js";
import type { Deployment } from "../../../testing/deployment.js";
import { TestClient, uniqueName } from "../../../testing/test-client.js";

/** A registered client with the room calls the cases make over and over. */
export class RoomClient extends TestClient {
  static async register(server: Deployment, prefix = "u"): Promise<RoomClient> {
    return new RoomClient(server.baseUrl).register(uniqueName(prefix));
  }

  async createRoom(body: Record<string, unknown> = {}): Promise<string> {
    const res = await this.expectOk("POST", "/createRoom", { spec: "/createRoom", body });
    return res.room_id as string;
  }

  async join(roomIdOrAlias: string): Promise<void> {
    await this.expectOk("POST", `/join/${encodeURIComponent(roomIdOrAlias)}`, { spec: "/join/{roomIdOrAlias}", body: {} });
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.expectOk("POST", `/rooms/${encodeURIComponent(roomId)}/invite`, {
      spec: "/rooms/{roomId}/invite",
      body: { user_id: userId },
    });
  }

  async send(roomId: string, body: string, txnId = `t${Math.random()}`): Promise<string> {
    const res = await this.expectOk("PUT", `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txnId}`, {
      spec: "/rooms/{roomId}/send/{eventType}/{txnId}",
      body: { msgtype: "m.text", body },
    });
    return res.event_id as string;
  }

  async putState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    const res = await this.expectOk("PUT", `/rooms/${encodeURIComponent(roomId)}/state/${type}/${encodeURIComponent(stateKey)}`, {
      spec: "/rooms/{roomId}/state/{eventType}/{stateKey}",
      body: content,
    });
    return res.event_id as string;
  }
}

/**
 * What the roomserver holds, read over its gRPC API: the cases check the events the writers
 * made there (the reader endpoints arrive with the syncapi).
 */
export class RoomInspector {
  readonly api: RoomserverApi;

  constructor(address: string, grpcSecret: string) {
    this.api = roomserverGrpcClient(address, grpcSecret);
  }

  async state(roomId: string, type: string, stateKey = ""): Promise<RoomEvent | undefined> {
    const { stateEvents } = await this.api.queryCurrentState({ roomId, stateTuples: [{ type, stateKey }] });
    return stateEvents[0] ? parseStored(stateEvents[0]) : undefined;
  }

  async event(eventId: string): Promise<RoomEvent | undefined> {
    const { events } = await this.api.queryEventsById({ eventIds: [eventId] });
    return events[0] ? parseStored(events[0]) : undefined;
  }

  async membership(roomId: string, userId: string): Promise<string> {
    return (await this.api.queryMembership({ roomId, userId })).membership;
  }

  /** How many events the room has: the cases check that refused requests added none. */
  async eventCount(roomId: string): Promise<number> {
    const { events } = await this.api.queryMessageHistory({ roomId, from: "", direction: "backward", limit: 1000 });
    return events.length;
  }
}

export async function expectUnchanged(inspector: RoomInspector, roomId: string, work: () => Promise<unknown>): Promise<void> {
  const before = await inspector.eventCount(roomId);
  await work();
  expect(await inspector.eventCount(roomId), "a refused request added events").to.equal(before);
}
