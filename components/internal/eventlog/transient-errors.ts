import { status as GrpcStatus } from "@grpc/grpc-js";
import { NoResponderError, TimeoutError } from "./eventlog.js";

/** Node's codes for a peer that cannot be reached (or stopped answering). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * PostgreSQL SQLSTATE classes that say something about the server, not the statement:
 * 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
 * cancel), 58 system error; and the two of class 40 that a retry resolves by design
 * (40001 serialization failure, 40P01 deadlock). Everything else (22 data exception,
 * 23 integrity violation, ...) fails the same statement the same way again.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(["08", "53", "57", "58"]);
const TRANSIENT_SQLSTATES = new Set(["40001", "40P01", "55P03"]);

const TRANSIENT_GRPC = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
]);

/**
 * Whether a handler's failure is about the world around the message (a database, log or
 * peer that is down, busy or timing out) rather than the message itself. Such failures are
 * retried for as long as they last and never count toward the message's dead-lettering:
 * an outage must not dead-letter everything that arrives during it.
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof TimeoutError || err instanceof NoResponderError) return true;
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "number") return TRANSIENT_GRPC.has(code);
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  }
  // pg's own errors for a connection lost or a pool that cannot connect carry no code.
  const message = (err as { message?: unknown }).message;
  return typeof message === "string" && /connection terminated|connection error|timeout exceeded when trying to connect/i.test(message);
}
