import type { ServiceBinding } from "../../internal/grpc/server.js";
import {
  RoomserverPerformService,
  RoomserverReaderQueryService,
  RoomserverWriterQueryService,
} from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { RoomserverApi } from "../api/roomserver-api.js";
import { conversions, type WireRoomserverApi } from "./convert.js";
import { serveUnary } from "./promise-service.js";

/** The roomserver's three gRPC services, each answered by the API methods of its name. */
export function roomserverGrpcServices(api: RoomserverApi): ServiceBinding[] {
  const adapted = wireAdapter(api);
  return [
    serveUnary(RoomserverWriterQueryService, adapted),
    serveUnary(RoomserverReaderQueryService, adapted),
    serveUnary(RoomserverPerformService, adapted),
  ];
}

/** The API seen over the wire types: requests converted in, answers converted out. */
function wireAdapter(api: RoomserverApi): WireRoomserverApi {
  const adapted: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(conversions) as (keyof RoomserverApi)[]) {
    const c = conversions[name] as unknown as Conversion;
    const method = (api[name] as (request: unknown) => Promise<unknown>).bind(api);
    adapted[name] = async (request) => c.responseToWire(await method(c.requestFromWire(request)));
  }
  return adapted as unknown as WireRoomserverApi;
}

interface Conversion {
  requestFromWire(request: unknown): unknown;
  responseToWire(response: unknown): unknown;
}
