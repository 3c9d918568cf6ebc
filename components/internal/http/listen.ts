import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type Koa from "koa";
import { parseListenAddress } from "../config/values.js";

/** An HTTP(S) listener that can stop accepting and wait for requests in progress. */
export class HttpListener {
  private constructor(private readonly server: http.Server | https.Server) {}

  static async start(
    app: Koa,
    address: string,
    tls?: { certFile: string; keyFile: string },
  ): Promise<HttpListener> {
    const { host, port } = parseListenAddress(address) ?? (() => {
      throw new Error(`not a HOST:PORT address: ${address}`);
    })();
    const server = tls
      ? https.createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, app.callback())
      : http.createServer(app.callback());
    // Long-polling /sync holds requests for up to minutes; keep-alive must outlast clients' pauses.
    server.keepAliveTimeout = 75_000;
    server.requestTimeout = 0;
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
