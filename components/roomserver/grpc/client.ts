import {
  RoomserverPerformClient,
  RoomserverReaderQueryClient,
  RoomserverWriterQueryClient,
} from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { RoomserverApi } from "../api/roomserver-api.js";
import { callUnary } from "./promise-service.js";

/** The RoomserverApi of a roomserver in another process, over its three gRPC services; `secret` is the components' shared one. */
export function roomserverGrpcClient(address: string, secret: string): RoomserverApi {
  return {
    ...callUnary(RoomserverWriterQueryClient, address, secret),
    ...callUnary(RoomserverReaderQueryClient, address, secret),
    ...callUnary(RoomserverPerformClient, address, secret),
  };
}
