import * as grpc from "@grpc/grpc-js";
import { isUserApiErrorCode, UserApiError, type UserApiErrorCode } from "../api/errors.js";

/**
 * UserApiError across gRPC: the server sends the nearest gRPC status plus the exact code in
 * metadata; the client turns it back into the same UserApiError, so callers cannot tell a
 * remote userapi from an in-process one.
 */
const METADATA_KEY = "userapi-error";
const RETRY_AFTER_KEY = "userapi-retry-after-ms";

const STATUS: Record<UserApiErrorCode, grpc.status> = {
  USER_IN_USE: grpc.status.ALREADY_EXISTS,
  INVALID_USERNAME: grpc.status.INVALID_ARGUMENT,
  FORBIDDEN: grpc.status.PERMISSION_DENIED,
  USER_DEACTIVATED: grpc.status.PERMISSION_DENIED,
  NOT_FOUND: grpc.status.NOT_FOUND,
  INVALID_PARAM: grpc.status.INVALID_ARGUMENT,
  PROFILE_TOO_LARGE: grpc.status.INVALID_ARGUMENT,
  LIMIT_EXCEEDED: grpc.status.RESOURCE_EXHAUSTED,
  BAD_JSON: grpc.status.INVALID_ARGUMENT,
  MISSING_PARAM: grpc.status.INVALID_ARGUMENT,
  INVALID_SIGNATURE: grpc.status.INVALID_ARGUMENT,
};

/** Wraps an async handler as a grpc-js unary handler that reports UserApiErrors faithfully. */
export function unaryHandler<Req, Res>(handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handle(call.request).then(
      (response) => callback(null, response),
      (err: unknown) => {
        if (err instanceof UserApiError) {
          const metadata = new grpc.Metadata();
          metadata.set(METADATA_KEY, err.code);
          if (err.retryAfterMs !== undefined) metadata.set(RETRY_AFTER_KEY, String(err.retryAfterMs));
          callback({ code: STATUS[err.code], details: err.message, metadata });
        } else {
          callback({ code: grpc.status.INTERNAL, details: (err as Error).message ?? String(err) });
        }
      },
    );
  };
}

/** The UserApiError a failed call carried, or the gRPC error itself. */
export function fromGrpcError(err: unknown): unknown {
  const serviceError = err as grpc.ServiceError;
  const code = serviceError?.metadata?.get(METADATA_KEY)[0];
  if (typeof code === "string" && isUserApiErrorCode(code)) {
    const retryAfter = serviceError.metadata.get(RETRY_AFTER_KEY)[0];
    return new UserApiError(code, serviceError.details, typeof retryAfter === "string" ? Number(retryAfter) : undefined);
  }
  return err;
}
