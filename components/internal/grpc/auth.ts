import { createHash, timingSafeEqual } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "../logging/logger.js";

/**
 * gRPC between components is authenticated by a shared secret in every call's metadata
 * (`authorization: Bearer <secret>`, so `grpcurl -H` can send it), not by mutual TLS:
 * it needs no certificates to issue, rotate or renew, the monolith makes its own on first
 * run, and Kubernetes' native gRPC probes (which speak neither TLS nor metadata) still
 * reach the health service. The secret travels in clear text, so gRPC ports must stay on
 * a network only the components reach (loopback, or a NetworkPolicy), or under a service
 * mesh's mutual TLS. docs/architecture.md says more.
 */
export const GRPC_AUTH_METADATA_KEY = "authorization";

/** The shortest secret accepted: 32 characters of base64 carry 192 bits. */
export const MIN_GRPC_SECRET_LENGTH = 32;

/** Services anyone may call: probes and grpcurl's discovery, which reveal nothing private. */
const OPEN_SERVICES = ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

export function isOpenMethod(path: string): boolean {
  return OPEN_SERVICES.includes(path.split("/")[1] ?? "");
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Refuses every call but those of the open services with UNAUTHENTICATED unless its
 * metadata carries the secret. Compared in constant time (on digests, so the length of the
 * secret does not show either). A refusal is logged: someone reached a gRPC port who
 * should not have.
 */
export function authenticateCalls(secret: string, logger: Logger): grpc.ServerInterceptor {
  const expected = digest(`Bearer ${secret}`);
  return (method, call) => {
    if (isOpenMethod(method.path)) return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const given = metadata.get(GRPC_AUTH_METADATA_KEY)[0];
            if (typeof given === "string" && timingSafeEqual(digest(given), expected)) {
              pass(metadata);
              return;
            }
            logger.warn({ grpc_method: method.path, peer: call.getPeer() }, "refused a gRPC call without the shared secret");
            call.sendStatus({
              code: grpc.status.UNAUTHENTICATED,
              details: "this call needs the components' shared secret",
              metadata: new grpc.Metadata(),
            });
          },
        }),
    });
  };
}

/** A client interceptor that gives every call the secret. */
export function sendSecret(secret: string): grpc.Interceptor {
  const value = `Bearer ${secret}`;
  return (options, next) =>
    new grpc.InterceptingCall(next(options), {
      start: (metadata, listener, start) => {
        metadata.set(GRPC_AUTH_METADATA_KEY, value);
        start(metadata, listener);
      },
    });
}
