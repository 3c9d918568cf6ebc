import type Koa from "koa";
import { MatrixError } from "../../internal/http/matrix-error.js";
import { limitExceeded } from "../../internal/http/rate-limit.js";
import { UserApiError, type UserApiErrorCode } from "../../userapi/api/errors.js";

/** The Matrix error a client gets for each userapi failure. */
const MATRIX_ERRORS: Record<UserApiErrorCode, [status: number, errcode: string]> = {
  USER_IN_USE: [400, "M_USER_IN_USE"],
  INVALID_USERNAME: [400, "M_INVALID_USERNAME"],
  FORBIDDEN: [403, "M_FORBIDDEN"],
  USER_DEACTIVATED: [403, "M_USER_DEACTIVATED"],
  NOT_FOUND: [404, "M_NOT_FOUND"],
  INVALID_PARAM: [400, "M_INVALID_PARAM"],
  PROFILE_TOO_LARGE: [400, "M_PROFILE_TOO_LARGE"],
  LIMIT_EXCEEDED: [429, "M_LIMIT_EXCEEDED"],
  BAD_JSON: [400, "M_BAD_JSON"],
  MISSING_PARAM: [400, "M_MISSING_PARAM"],
  INVALID_SIGNATURE: [400, "M_INVALID_SIGNATURE"],
};

export function toMatrixError(err: UserApiError): MatrixError {
  if (err.code === "LIMIT_EXCEEDED") return limitExceeded(err.retryAfterMs ?? 1000, err.message);
  const [status, errcode] = MATRIX_ERRORS[err.code];
  return new MatrixError(status, errcode, err.message);
}

/** Middleware rendering a UserApiError that escapes a handler as its Matrix error. */
export const translateUserApiErrors: Koa.Middleware = async (_ctx, next) => {
  try {
    await next();
  } catch (err) {
    throw err instanceof UserApiError ? toMatrixError(err) : err;
  }
};
