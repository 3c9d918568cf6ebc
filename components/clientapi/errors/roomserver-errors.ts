import type Koa from "koa";
import { MatrixError } from "../../internal/http/matrix-error.js";
import { ProtocolError } from "../../protocol/index.js";
import { fromProtocolError, PerformFailure } from "../../roomserver/api/perform-failure.js";
import type { PerformError } from "../../roomserver/api/perform.js";

/** A perform response's error as the client should see it. */
export function fromPerformError(error: PerformError): MatrixError {
  return new MatrixError(error.httpStatus || 500, error.errcode || "M_UNKNOWN", error.message);
}

/** Throws the response's error, if it has one; otherwise returns the response. */
export function performed<T extends { error?: PerformError | undefined }>(response: T): T {
  if (response.error) throw fromPerformError(response.error);
  return response;
}

/**
 * Middleware rendering what the event builder throws as Matrix errors: a PerformFailure
 * (the roomserver's verdict, an unknown room) and a ProtocolError (the auth rules' refusal,
 * content that cannot be an event) carry the errcode and status the client should get.
 */
export const translateRoomserverErrors: Koa.Middleware = async (_ctx, next) => {
  try {
    await next();
  } catch (err) {
    const failure = err instanceof ProtocolError ? fromProtocolError(err) : err;
    throw failure instanceof PerformFailure ? fromPerformError(failure.toPerformError()) : failure;
  }
};
