import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { NoResponderError, TimeoutError } from "../../../components/internal/eventlog/eventlog.js";
import { isTransientError } from "../../../components/internal/eventlog/transient-errors.js";

const withCode = (code: string | number, message = "failed") => Object.assign(new Error(message), { code });

describe("event log: which handler failures are about the world, not the message", () => {
  it("takes outages, timeouts and retry-by-design conflicts for transient", () => {
    for (const err of [
      withCode("ECONNREFUSED"),
      withCode("ECONNRESET"),
      withCode("08006"), // connection failure
      withCode("57P01"), // admin shutdown
      withCode("53300"), // too many connections
      withCode("40001"), // serialization failure
      withCode("40P01"), // deadlock
      withCode(status.UNAVAILABLE),
      withCode(status.DEADLINE_EXCEEDED),
      new Error("Connection terminated unexpectedly"),
      new TimeoutError("request on x", 10),
      new NoResponderError("x"),
    ]) {
      expect(isTransientError(err), String((err as { code?: unknown }).code ?? err.message)).to.equal(true);
    }
  });

  it("takes what fails the same message the same way again for the message's own", () => {
    for (const err of [
      withCode("22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
      withCode("22012"), // division by zero
      withCode("23505"), // unique violation
      withCode("P0001"), // raised by a trigger
      withCode(status.INVALID_ARGUMENT),
      withCode(status.INTERNAL),
      new TypeError("Cannot read properties of undefined"),
      "a string",
      null,
    ]) {
      expect(isTransientError(err), String(err)).to.equal(false);
    }
  });
});
