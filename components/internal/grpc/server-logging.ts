import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "../logging/logger.js";

/**
 * Wraps every unary handler of a service so each call is logged once with its method,
 * status and duration: the cross-cutting concern lives here, not in each handler.
 */
export function withServerLogging(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  logger: Logger,
): grpc.UntypedServiceImplementation {
  const wrapped: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    if (!method || method.requestStream || method.responseStream) {
      wrapped[name] = handler;
      continue;
    }
    const unary = handler as grpc.handleUnaryCall<unknown, unknown>;
    wrapped[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const started = performance.now();
      unary(call, (err, value, trailer, flags) => {
        const ms = Math.round((performance.now() - started) * 100) / 100;
        if (err) logger.warn({ grpc_method: method.path, code: err.code, err: err.details ?? (err as { message?: string }).message, ms }, "gRPC call failed");
        else logger.debug({ grpc_method: method.path, ms }, "gRPC call");
        callback(err, value, trailer, flags);
      });
    }) as grpc.handleUnaryCall<unknown, unknown>;
  }
  return wrapped;
}
