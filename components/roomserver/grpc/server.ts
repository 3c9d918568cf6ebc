import type { ServiceBinding } from "../../internal/grpc/server.js";
import {
  RoomserverPerformService,
  RoomserverReaderQueryService,
  RoomserverWriterQueryService,
} from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { RoomserverApi } from "../api/roomserver-api.js";
import { serveUnary } from "./promise-service.js";

/** The roomserver's three gRPC services, each answered by the API methods of its name. */
export function roomserverGrpcServices(api: RoomserverApi): ServiceBinding[] {
  return [
    serveUnary(RoomserverWriterQueryService, api),
    serveUnary(RoomserverReaderQueryService, api),
    serveUnary(RoomserverPerformService, api),
  ];
}
