import * as grpc from "@grpc/grpc-js";
import { createGrpcClient, unary } from "../../internal/grpc/client.js";
import type { ServiceBinding } from "../../internal/grpc/server.js";
import { InvalidQuery } from "../query/invalid-query.js";

type RequestOf<M> = M extends { requestDeserialize: (bytes: Buffer) => infer Req } ? Req : never;
type ResponseOf<M> = M extends { responseDeserialize: (bytes: Buffer) => infer Res } ? Res : never;

/**
 * A generated service definition (ts-proto's `XService`) seen as promise methods: what the
 * API interfaces declare. Typed from the definition rather than the generated client,
 * whose overloaded methods defeat inference.
 */
export type PromiseService<D> = { [K in keyof D]: (request: RequestOf<D[K]>) => Promise<ResponseOf<D[K]>> };

/**
 * Serves every unary method of `definition` by the method of the same name on `api`.
 * A rejection becomes a gRPC status with its message: INVALID_ARGUMENT for a request the
 * API refused as malformed, INTERNAL for anything else.
 */
export function serveUnary<D extends grpc.ServiceDefinition>(definition: D, api: PromiseService<D>): ServiceBinding {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(definition) as (keyof D & string)[]) {
    const method = api[name] as (request: unknown) => Promise<unknown>;
    implementation[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      method.call(api, call.request).then(
        (response) => callback(null, response),
        (err: unknown) => callback(toStatus(err)),
      );
    }) as grpc.handleUnaryCall<unknown, unknown>;
  }
  return { definition, implementation };
}

function toStatus(err: unknown): Partial<grpc.StatusObject> {
  const code = err instanceof InvalidQuery ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL;
  return { code, details: err instanceof Error ? err.message : String(err) };
}

/** A generated client constructor: it carries its service definition as `service`. */
type GeneratedClient<D> = (new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client) & {
  service: D;
};

/**
 * The promise methods of a remote service, through createGrpcClient (default deadline,
 * the components' shared secret, retries of UNAVAILABLE). A failed call rejects with gRPC's ServiceError (code, details).
 */
export function callUnary<D extends grpc.ServiceDefinition>(
  Client: GeneratedClient<D>,
  address: string,
  secret: string,
): PromiseService<D> {
  type Callback = (err: grpc.ServiceError | null, response: unknown) => void;
  const client = createGrpcClient(Client, address, { secret }) as unknown as Record<
    string,
    (request: unknown, callback: Callback) => unknown
  >;
  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(Client.service)) {
    const method = client[name]!.bind(client);
    methods[name] = (request) => unary(method, request);
  }
  return methods as PromiseService<D>;
}
