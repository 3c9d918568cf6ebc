import { MatrixError } from "../../internal/http/matrix-error.js";

/**
 * What a new password must be: not empty, and not so long that hashing it is a way to burn
 * the server's CPU. Throws 400 M_WEAK_PASSWORD or M_INVALID_PARAM.
 */
export const MAX_PASSWORD_LENGTH = 512;

export function checkNewPassword(password: string): void {
  if (password.length === 0) throw new MatrixError(400, "M_WEAK_PASSWORD", "The password must not be empty");
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new MatrixError(400, "M_INVALID_PARAM", `The password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}
