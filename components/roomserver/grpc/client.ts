import {
  RoomserverPerformClient,
  RoomserverReaderQueryClient,
  RoomserverWriterQueryClient,
} from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { RoomserverApi } from "../api/roomserver-api.js";
import { conversions, type WireRoomserverApi } from "./convert.js";
import { callUnary } from "./promise-service.js";

/** The RoomserverApi of a roomserver in another process, over its three gRPC services; `secret` is the components' shared one. */
export function roomserverGrpcClient(address: string, secret: string): RoomserverApi {
  const remote: WireRoomserverApi = {
    ...callUnary(RoomserverWriterQueryClient, address, secret),
    ...callUnary(RoomserverReaderQueryClient, address, secret),
    ...callUnary(RoomserverPerformClient, address, secret),
  };
  const api: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(conversions) as (keyof RoomserverApi)[]) {
    const c = conversions[name] as unknown as Conversion;
    const method = remote[name] as (request: unknown) => Promise<unknown>;
    api[name] = async (request) => c.responseFromWire(await method(c.requestToWire(request)));
  }
  return api as unknown as RoomserverApi;
}

interface Conversion {
  requestToWire(request: unknown): unknown;
  responseFromWire(response: unknown): unknown;
}
