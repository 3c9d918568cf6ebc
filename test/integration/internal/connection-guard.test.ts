import { expect } from "chai";
import { connect, type Socket } from "node:net";
import { createHttpApp } from "../../../components/internal/http/app.js";
import { TrustedProxies } from "../../../components/internal/http/client-address.js";
import { HttpListener } from "../../../components/internal/http/listen.js";
import { Router } from "../../../components/internal/http/router.js";
import { silentLogger } from "../../../components/internal/logging/logger.js";

/** Opens `n` connections and asks each for /health on it; resolves with what each received before closing or 2 s. */
async function askOnConnections(port: number, n: number): Promise<string[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < n; i++) {
      sockets.push(
        await new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => resolve(socket));
          socket.on("error", reject);
        }),
      );
    }
    return await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let received = "";
            socket.setEncoding("latin1");
            socket.on("error", () => {});
            socket.on("data", (d: string) => {
              received += d;
              if (received.includes("\r\n\r\n")) resolve(received);
            });
            socket.on("close", () => resolve(received));
            setTimeout(() => resolve(received), 2000);
            socket.write("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
          }),
      ),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

describe("HTTP plumbing: connections per address", () => {
  async function listen(trusted: string[]): Promise<HttpListener> {
    const router = new Router().get("/health", (ctx) => void (ctx.body = { ok: true }));
    const trustedProxies = new TrustedProxies(trusted);
    const app = createHttpApp({ logger: silentLogger(), router, maxJsonBodyBytes: 1000, trustedProxies });
    const limits = { headersMs: 10_000, requestMs: 10_000, keepAliveMs: 10_000, maxPerAddress: 1 };
    return HttpListener.start(app, "127.0.0.1:0", { limits, trustedProxies, logger: silentLogger() });
  }

  it("closes connections over the cap without an answer", async () => {
    const listener = await listen([]);
    try {
      const answers = await askOnConnections(listener.port, 3);
      expect(answers[0]).to.match(/^HTTP\/1\.1 200 /);
      expect(answers.slice(1)).to.deep.equal(["", ""]);
    } finally {
      await listener.stop(100);
    }
  });

  it("exempts trusted proxies, whose connections carry many clients", async () => {
    const listener = await listen(["127.0.0.1"]);
    try {
      for (const answer of await askOnConnections(listener.port, 3)) expect(answer).to.match(/^HTTP\/1\.1 200 /);
    } finally {
      await listener.stop(100);
    }
  });
});
