import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type Koa from "koa";
import { parseListenAddress } from "../config/values.js";
import type { Logger } from "../logging/logger.js";
import type { TrustedProxies } from "./client-address.js";
import { guardConnections, serverOptions, type ConnectionLimits } from "./connection-guard.js";

export interface ListenOptions {
  limits: ConnectionLimits;
  trustedProxies: TrustedProxies;
  logger: Logger;
  tls?: { certFile: string; keyFile: string };
}

/** An HTTP(S) listener that can stop accepting and wait for requests in progress. */
export class HttpListener {
  private constructor(private readonly server: http.Server | https.Server) {}

  static async start(app: Koa, address: string, { limits, trustedProxies, logger, tls }: ListenOptions): Promise<HttpListener> {
    const { host, port } =
      parseListenAddress(address) ??
      (() => {
        throw new Error(`not a HOST:PORT address: ${address}`);
      })();
    // The request timeouts cover receiving a request, never answering it: a long-polling
    // /sync waits as long as it likes once its request is in.
    const options = serverOptions(limits);
    const server = tls
      ? https.createServer({ ...options, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) })
      : http.createServer(options);
    server.on("request", guardConnections(server, limits, trustedProxies, logger, app.callback()));
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) => reject(new Error(`HTTP cannot listen on ${address}: ${err.message}`)));
      server.listen(port, host, resolve);
    });
    return new HttpListener(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting, closes idle connections, waits up to `graceMs` for the rest. */
  async stop(graceMs = 5000): Promise<void> {
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.closeAllConnections();
        resolve();
      }, graceMs);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
