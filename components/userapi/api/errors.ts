/**
 * The failures of a userapi call that a client should hear about, by code. The clientapi
 * turns each into its Matrix error; over gRPC the code travels in metadata
 * (grpc/errors.ts), so a caller sees the same error in-process and across processes.
 */
export type UserApiErrorCode =
  | "USER_IN_USE"
  | "INVALID_USERNAME"
  | "FORBIDDEN"
  | "USER_DEACTIVATED"
  | "NOT_FOUND"
  | "INVALID_PARAM"
  | "PROFILE_TOO_LARGE"
  | "LIMIT_EXCEEDED"
  | "BAD_JSON"
  | "MISSING_PARAM"
  | "INVALID_SIGNATURE";

export const USER_API_ERROR_CODES: readonly UserApiErrorCode[] = [
  "USER_IN_USE",
  "INVALID_USERNAME",
  "FORBIDDEN",
  "USER_DEACTIVATED",
  "NOT_FOUND",
  "INVALID_PARAM",
  "PROFILE_TOO_LARGE",
  "LIMIT_EXCEEDED",
  "BAD_JSON",
  "MISSING_PARAM",
  "INVALID_SIGNATURE",
];

export class UserApiError extends Error {
  constructor(
    readonly code: UserApiErrorCode,
    message: string,
    /** LIMIT_EXCEEDED: how long to wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "UserApiError";
  }
}

export function isUserApiErrorCode(code: string): code is UserApiErrorCode {
  return (USER_API_ERROR_CODES as readonly string[]).includes(code);
}
