/**
 * An error a client sees: `{"errcode": "M_...", "error": "..."}` with the HTTP status the
 * spec gives. Handlers throw these; the error middleware renders them.
 */
export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    /** Extra fields the spec defines for some errors (retry_after_ms, flows, ...). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "MatrixError";
  }

  toJSON(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

export const unrecognized = (message = "Unrecognized request") => new MatrixError(404, "M_UNRECOGNIZED", message);
export const methodNotAllowed = (method: string) =>
  new MatrixError(405, "M_UNRECOGNIZED", `Method ${method} is not allowed on this endpoint`);
export const notJson = (message: string) => new MatrixError(400, "M_NOT_JSON", message);
export const badJson = (message: string) => new MatrixError(400, "M_BAD_JSON", message);
export const tooLarge = (limit: number) => new MatrixError(413, "M_TOO_LARGE", `Request body is larger than the limit of ${limit} bytes`);
export const missingToken = (message = "Missing access token") => new MatrixError(401, "M_MISSING_TOKEN", message);
export const forbidden = (message: string) => new MatrixError(403, "M_FORBIDDEN", message);
export const notFound = (message: string) => new MatrixError(404, "M_NOT_FOUND", message);
export const invalidParam = (message: string) => new MatrixError(400, "M_INVALID_PARAM", message);
