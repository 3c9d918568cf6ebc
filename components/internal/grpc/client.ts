import * as grpc from "@grpc/grpc-js";
import { sendSecret } from "./auth.js";

export interface ClientOptions {
  /** The components' shared secret, sent with every call (auth.ts); absent, only health and reflection answer. */
  secret?: string;
  /** Deadline given to every call that sets none (default 10 s). */
  deadlineMs?: number;
  /** Attempts of a call that fails UNAVAILABLE, the first included (default 5, gRPC's maximum). */
  maxAttempts?: number;
}

type ClientConstructor<C> = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C;

/**
 * A client of a generated service with a default deadline, the shared secret on every call,
 * and transparent retries of UNAVAILABLE (a component restarting, a pod being replaced) with
 * exponential backoff, through gRPC's own retry policy so streaming calls and hedging rules
 * stay correct.
 */
export function createGrpcClient<C extends grpc.Client>(Client: ClientConstructor<C>, address: string, options: ClientOptions = {}): C {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const serviceConfig = {
    methodConfig: [
      {
        name: [{}],
        retryPolicy: {
          maxAttempts: Math.min(options.maxAttempts ?? 5, 5),
          initialBackoff: "0.1s",
          maxBackoff: "2s",
          backoffMultiplier: 2,
          retryableStatusCodes: ["UNAVAILABLE"],
        },
      },
    ],
  };
  const deadline: grpc.Interceptor = (callOptions, next) => {
    if (callOptions.deadline === undefined) callOptions.deadline = Date.now() + deadlineMs;
    return new grpc.InterceptingCall(next(callOptions));
  };
  return new Client(address, grpc.credentials.createInsecure(), {
    "grpc.service_config": JSON.stringify(serviceConfig),
    "grpc.enable_retries": 1,
    interceptors: options.secret === undefined ? [deadline] : [deadline, sendSecret(options.secret)],
  });
}

/** Calls a callback-style unary method of a generated client and returns a promise. */
export function unary<Req, Res>(
  method: (request: Req, callback: (err: grpc.ServiceError | null, response: Res) => void) => unknown,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => method(request, (err, response) => (err ? reject(err) : resolve(response))));
}
