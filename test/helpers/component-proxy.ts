import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What an Ingress does in front of the polylith, for tests: each request goes to the first
 * component that recognises its path and method (anything but 404/405 M_UNRECOGNIZED), so
 * suites keep one base URL while each component serves only its own routes.
 */
export class ComponentProxy {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targets: readonly string[]): Promise<ComponentProxy> {
    const server = createServer((req, res) => {
      void forward(req, targets).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ errcode: "M_UNKNOWN", error: `proxy: ${err.message}` }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new ComponentProxy(server, (server.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function forward(req: IncomingMessage, targets: readonly string[]) {
  const body = await readBody(req);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "connection") headers[k] = v;
  let last: { status: number; headers: Record<string, string>; body: Buffer } | null = null;
  for (const target of targets) {
    const res = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length && req.method !== "GET" && req.method !== "HEAD" ? new Uint8Array(body) : undefined });
    const buf = Buffer.from(await res.arrayBuffer());
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k !== "content-length" && k !== "transfer-encoding" && k !== "connection" && k !== "content-encoding") out[k] = v;
    });
    last = { status: res.status, headers: out, body: buf };
    if ((res.status === 404 || res.status === 405) && buf.toString().includes("M_UNRECOGNIZED")) continue;
    return last;
  }
  return last!;
}
