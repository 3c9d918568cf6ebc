import type { IncomingMessage } from "node:http";
import { jsonLimitProblem, type JsonLimitOptions } from "../../protocol/index.js";
import { badJson, MatrixError, notJson, tooLarge } from "./matrix-error.js";

/** JSON must be UTF-8 (RFC 8259); a lenient decoder would turn bad bytes into U+FFFD and store them. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a request body of at most `limit` bytes and parses it as a JSON object. An empty
 * body counts as `{}` (clients send none for bodiless POSTs); anything else that is not a
 * JSON object is refused before a handler sees it: bytes that are not UTF-8 or not JSON are
 * 400 M_NOT_JSON (never silently replaced by U+FFFD), and a value beyond the JSON limits
 * (nesting, lone surrogates, U+0000 unless `limits` allow it) is 400 M_BAD_JSON.
 */
export async function readJsonObject(req: IncomingMessage, limit: number, limits: JsonLimitOptions): Promise<Record<string, unknown>> {
  const raw = await readBody(req, limit);
  if (raw.length === 0) return {};
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw notJson("Request body is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw notJson(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw badJson("Request body must be a JSON object");
  }
  const problem = jsonLimitProblem(parsed, limits);
  if (problem) throw badJson(`Request body: ${problem}`);
  return parsed as Record<string, unknown>;
}

/**
 * The client went away, or was cut off (`http.timeouts.request_ms`), before its body
 * arrived: there is no one to answer, and nothing went wrong on this side.
 */
export class RequestAborted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RequestAborted";
  }
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (!(err instanceof MatrixError) && req.destroyed) throw new RequestAborted(`the body stopped after ${size} bytes`);
    throw err;
  }
  return Buffer.concat(chunks);
}
