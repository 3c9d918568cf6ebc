import { ProtocolError } from "../../protocol/index.js";
import type { PerformError } from "./perform.js";

/**
 * A perform operation's failure as the client should see it: a Matrix error code, its
 * message and HTTP status. Thrown inside the operations; the performer turns it into the
 * response's PerformError. Any other error is a fault of the server and propagates.
 */
export class PerformFailure extends Error {
  constructor(
    readonly errcode: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = "PerformFailure";
  }

  toPerformError(): PerformError {
    return { errcode: this.errcode, message: this.message, httpStatus: this.httpStatus };
  }
}

export const badJson = (message: string) => new PerformFailure("M_BAD_JSON", message, 400);
export const invalidParam = (message: string) => new PerformFailure("M_INVALID_PARAM", message, 400);
export const forbidden = (message: string) => new PerformFailure("M_FORBIDDEN", message, 403);
export const notFound = (message: string) => new PerformFailure("M_NOT_FOUND", message, 404);
export const roomNotKnown = (roomId: string) => notFound(`room ${roomId} is not known to this server`);

/** A protocol library error about the caller's input (a bad ID, content that cannot be an event). */
export function fromProtocolError(err: ProtocolError): PerformFailure {
  switch (err.code) {
    case "BAD_ID":
      return invalidParam(err.message);
    case "TOO_LARGE":
      return new PerformFailure("M_TOO_LARGE", err.message, 413);
    case "UNKNOWN_ROOM_VERSION":
      return new PerformFailure("M_UNSUPPORTED_ROOM_VERSION", err.message, 400);
    case "UNAUTHORISED":
      return forbidden(err.message);
    default:
      return badJson(err.message);
  }
}

/**
 * Runs an operation and answers with its result, or with `failed(error)` when it fails
 * in a way the client should hear about.
 */
export async function answer<T>(work: () => Promise<T>, failed: (error: PerformError) => T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PerformFailure) return failed(err.toPerformError());
    if (err instanceof ProtocolError) return failed(fromProtocolError(err).toPerformError());
    throw err;
  }
}
