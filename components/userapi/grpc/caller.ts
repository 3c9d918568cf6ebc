import type * as grpc from "@grpc/grpc-js";
import { unary } from "../../internal/grpc/client.js";
import { fromGrpcError } from "./errors.js";

type RequestOf<M> = M extends grpc.handleUnaryCall<infer Req, unknown> ? Req : never;
type ResponseOf<M> = M extends grpc.handleUnaryCall<never, infer Res> ? Res : never;

/**
 * A typed caller of one service's unary methods by name. Types come from the generated
 * server interface: the client's methods are overloaded, which defeats inference.
 */
export function caller<S>(client: grpc.Client) {
  return <K extends keyof S & string>(method: K, request: RequestOf<S[K]>): Promise<ResponseOf<S[K]>> => {
    const fn = (
      client as unknown as Record<K, (req: RequestOf<S[K]>, cb: (err: grpc.ServiceError | null, res: ResponseOf<S[K]>) => void) => unknown>
    )[method];
    return unary(fn.bind(client), request).catch((err: unknown) => {
      throw fromGrpcError(err);
    });
  };
}
