import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "../logging/logger.js";
import { normaliseAddress, type TrustedProxies } from "./client-address.js";

/** What one client may cost the server in connections and time (`http.timeouts.*`, `http.max_connections_per_address`). */
export interface ConnectionLimits {
  /** The request line and headers must arrive within this (0: no limit). */
  readonly headersMs: number;
  /** The whole request, body included, must arrive within this (0: no limit). */
  readonly requestMs: number;
  /** How long a connection may wait idle for its next request. */
  readonly keepAliveMs: number;
  /** Open connections per client address; trusted proxies are exempt (0: no cap). */
  readonly maxPerAddress: number;
}

/**
 * The options of `http.createServer` that enforce the limits. Node checks the two request
 * timeouts on a timer; it runs often enough that a limit is overrun by a quarter at most
 * (and by 5 s at most), so small limits in tests act promptly.
 */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  const smallest = Math.min(...[limits.headersMs, limits.requestMs].filter((ms) => ms > 0));
  return {
    headersTimeout: limits.headersMs,
    requestTimeout: limits.requestMs,
    keepAliveTimeout: limits.keepAliveMs,
    connectionsCheckingInterval: Number.isFinite(smallest) ? Math.max(50, Math.min(5_000, Math.floor(smallest / 4))) : 30_000,
  };
}

/** The answers Node would write on a connection it gives up on, as Matrix errors. */
const REFUSALS: Record<string, [status: number, reason: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
};

function refusal(code: string | undefined, message: string): string {
  const [status, reason] = REFUSALS[code ?? ""] ?? [400, "Bad Request"];
  const body = JSON.stringify({ errcode: "M_UNKNOWN", error: message });
  return `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/**
 * Guards a listener against clients that hold connections without using them: a cap on
 * open connections per client address (checked as each connection arrives, before TLS or
 * HTTP), and one log line, never a stack, for each connection Node gives up on (a request
 * too slow, malformed HTTP). A connection cut while the app reads its request's body is
 * logged by the app instead ("request aborted"), so it too leaves one line.
 *
 * Returns the request listener to serve, which tracks the requests in progress.
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  trustedProxies: TrustedProxies,
  logger: Logger,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const open = new Map<string, number>();
  const refusing = new Set<string>();
  server.prependListener("connection", (socket: Socket) => {
    if (limits.maxPerAddress === 0) return;
    const address = normaliseAddress(socket.remoteAddress ?? "");
    if (trustedProxies.has(address)) return;
    const count = open.get(address) ?? 0;
    if (count >= limits.maxPerAddress) {
      if (!refusing.has(address)) {
        refusing.add(address);
        logger.warn({ client: address, open: count }, "refusing connections: the address holds as many as it may");
      }
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once("close", () => {
      const left = open.get(address)! - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
      refusing.delete(address);
    });
  });

  const inProgress = new WeakMap<Duplex, ServerResponse>();
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    const res = inProgress.get(socket);
    // A client that hung up needs neither an answer nor a log line.
    if (err.code !== "ECONNRESET" && socket.writable) {
      if (!res) {
        const client = normaliseAddress((socket as Socket).remoteAddress ?? "");
        logger.warn({ client, code: err.code, reason: err.message }, "closed a connection");
      }
      if (!res?.headersSent) socket.write(refusal(err.code, err.message));
    }
    socket.destroy();
  });

  return (req, res) => {
    inProgress.set(req.socket, res);
    res.once("close", () => inProgress.delete(req.socket));
    handle(req, res);
  };
}
