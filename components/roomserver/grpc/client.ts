import {
  RoomserverPerformClient,
  RoomserverReaderQueryClient,
  RoomserverWriterQueryClient,
} from "../../../proto/gen/dendrite/roomserver/v1/query.js";
import type { RoomserverApi } from "../api/roomserver-api.js";
import { callUnary } from "./promise-service.js";

/** The RoomserverApi of a roomserver in another process, over its three gRPC services. */
export function roomserverGrpcClient(address: string): RoomserverApi {
  return {
    ...callUnary(RoomserverWriterQueryClient, address),
    ...callUnary(RoomserverReaderQueryClient, address),
    ...callUnary(RoomserverPerformClient, address),
  };
}
