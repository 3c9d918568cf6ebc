import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "../logging/logger.js";
import { observeGrpcCall } from "../metrics/grpc-metrics.js";

/**
 * Wraps every unary handler of a service so each call is logged once with its method,
 * status and duration, and counted in the metrics (grpc-metrics.ts): the cross-cutting
 * concern lives here, not in each handler. A privileged method's calls are logged at info,
 * with the caller's address and what the method's describer picks from the request,
 * whatever their outcome.
 */
export function withServerLogging(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  logger: Logger,
  privileged: Readonly<Record<string, (request: never) => Record<string, unknown>>> = {},
): grpc.UntypedServiceImplementation {
  const wrapped: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    if (!method || method.requestStream || method.responseStream) {
      wrapped[name] = handler;
      continue;
    }
    const unary = handler as grpc.handleUnaryCall<unknown, unknown>;
    const describe = privileged[name] as ((request: unknown) => Record<string, unknown>) | undefined;
    wrapped[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const started = performance.now();
      unary(call, (err, value, trailer, flags) => {
        const elapsed = performance.now() - started;
        observeGrpcCall(method.path, err ? (err.code ?? 2) : 0, elapsed / 1000);
        const ms = Math.round(elapsed * 100) / 100;
        if (describe) {
          const outcome = err ? { code: err.code, err: err.details ?? (err as { message?: string }).message } : { code: 0 };
          logger.info(
            { grpc_method: method.path, peer: call.getPeer(), ...describe(call.request), ...outcome, ms },
            "privileged gRPC call",
          );
        } else if (err)
          logger.warn(
            { grpc_method: method.path, code: err.code, err: err.details ?? (err as { message?: string }).message, ms },
            "gRPC call failed",
          );
        else logger.debug({ grpc_method: method.path, ms }, "gRPC call");
        callback(err, value, trailer, flags);
      });
    }) as grpc.handleUnaryCall<unknown, unknown>;
  }
  return wrapped;
}
