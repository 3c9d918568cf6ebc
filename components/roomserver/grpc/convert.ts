import * as wire from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { PromiseService } from "./promise-service.js";
import type { RoomserverApi } from "../api/roomserver-api.js";
import type { StoredEvent } from "../api/queries.js";

/** The three generated services as promise methods over the wire types. */
export type WireRoomserverApi = PromiseService<typeof wire.RoomserverWriterQueryService> &
  PromiseService<typeof wire.RoomserverReaderQueryService> &
  PromiseService<typeof wire.RoomserverPerformService>;

type Own<K extends keyof RoomserverApi> = { req: Parameters<RoomserverApi[K]>[0]; res: Awaited<ReturnType<RoomserverApi[K]>> };
type Wire<K extends keyof RoomserverApi> = { req: Parameters<WireRoomserverApi[K]>[0]; res: Awaited<ReturnType<WireRoomserverApi[K]>> };

/** Both directions of one method's request and response. */
interface MethodConversion<K extends keyof RoomserverApi> {
  requestToWire(request: Own<K>["req"]): Wire<K>["req"];
  requestFromWire(request: Wire<K>["req"]): Own<K>["req"];
  responseToWire(response: Own<K>["res"]): Wire<K>["res"];
  responseFromWire(response: Wire<K>["res"]): Own<K>["res"];
}

const text = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");

export function storedToWire(e: StoredEvent): wire.StoredEvent {
  return { ...e, eventJson: Buffer.from(e.eventJson, "utf8") };
}
export function storedFromWire(e: wire.StoredEvent): StoredEvent {
  return { ...e, eventJson: text(e.eventJson) };
}
const storedListToWire = (events: readonly StoredEvent[]) => events.map(storedToWire);
const storedListFromWire = (events: readonly wire.StoredEvent[]) => events.map(storedFromWire);

const identity = <T>(x: T): T => x;
/** For a method whose messages are the same on both sides (TypeScript checks that they are, both ways). */
const same = { requestToWire: identity, requestFromWire: identity, responseToWire: identity, responseFromWire: identity };

const jsonBytes = (json: string) => Buffer.from(json, "utf8");

/** How each method's messages convert between the API's own types and the generated ones. */
export const conversions: { [K in keyof RoomserverApi]: MethodConversion<K> } = {
  queryBuildInfo: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({
      roomExists: r.roomExists,
      roomVersion: r.roomVersion,
      prevEventIds: r.prevEvents.map((p) => p.eventId),
      prevEventSha256: r.prevEvents.some((p) => p.sha256 !== "") ? r.prevEvents.map((p) => p.sha256) : [],
      depth: r.depth,
      stateEvents: storedListToWire(r.stateEvents),
    }),
    responseFromWire: (r) => ({
      roomExists: r.roomExists,
      roomVersion: r.roomVersion,
      prevEvents: r.prevEventIds.map((eventId, i) => ({ eventId, sha256: r.prevEventSha256[i] ?? "" })),
      depth: r.depth,
      stateEvents: storedListFromWire(r.stateEvents),
    }),
  },
  queryEventsById: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, events: storedListToWire(r.events) }),
    responseFromWire: (r) => ({ ...r, events: storedListFromWire(r.events) }),
  },
  queryStateAfterEvents: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, stateEvents: storedListToWire(r.stateEvents) }),
    responseFromWire: (r) => ({ ...r, stateEvents: storedListFromWire(r.stateEvents) }),
  },
  queryCurrentState: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, stateEvents: storedListToWire(r.stateEvents) }),
    responseFromWire: (r) => ({ ...r, stateEvents: storedListFromWire(r.stateEvents) }),
  },
  queryMembership: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, memberEvent: r.memberEvent && storedToWire(r.memberEvent) }),
    responseFromWire: (r) => ({ ...r, memberEvent: r.memberEvent && storedFromWire(r.memberEvent) }),
  },
  queryMembers: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, memberEvents: storedListToWire(r.memberEvents) }),
    responseFromWire: (r) => ({ ...r, memberEvents: storedListFromWire(r.memberEvents) }),
  },
  queryRoomsForUser: same,
  queryRoomInfo: same,
  queryAuthChain: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, authChain: storedListToWire(r.authChain) }),
    responseFromWire: (r) => ({ ...r, authChain: storedListFromWire(r.authChain) }),
  },
  queryMissingEvents: {
    requestToWire: identity,
    requestFromWire: identity,
    responseToWire: (r) => ({ ...r, events: storedListToWire(r.events) }),
    responseFromWire: (r) => ({ ...r, events: storedListFromWire(r.events) }),
  },
  queryServerAllowedToSeeEvent: same,
  queryServerInRoom: same,
  queryMessageHistory: {
    requestToWire: (r) => ({
      ...r,
      direction: r.direction === "forward" ? wire.Direction.DIRECTION_FORWARD : wire.Direction.DIRECTION_BACKWARD,
    }),
    requestFromWire: (r) => ({ ...r, direction: r.direction === wire.Direction.DIRECTION_FORWARD ? "forward" : "backward" }),
    responseToWire: (r) => ({ ...r, events: storedListToWire(r.events) }),
    responseFromWire: (r) => ({ ...r, events: storedListFromWire(r.events) }),
  },
  performCreateRoom: {
    requestToWire: (r) => ({
      ...r,
      requestJson: jsonBytes(r.requestJson),
      creatorMemberContentJson: jsonBytes(r.creatorMemberContentJson),
    }),
    requestFromWire: (r) => ({ ...r, requestJson: text(r.requestJson), creatorMemberContentJson: text(r.creatorMemberContentJson) }),
    responseToWire: identity,
    responseFromWire: identity,
  },
  performJoin: {
    requestToWire: (r) => ({ ...r, contentJson: jsonBytes(r.contentJson) }),
    requestFromWire: (r) => ({ ...r, contentJson: text(r.contentJson) }),
    responseToWire: identity,
    responseFromWire: identity,
  },
  performMembership: same,
  performPublish: same,
  performSetAlias: same,
  performRemoveAlias: same,
  queryAlias: same,
  queryPublishedRooms: same,
};
