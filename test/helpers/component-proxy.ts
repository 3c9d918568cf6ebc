import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { httpRequest, type HttpReply } from "./http-json.js";

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
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !HOP_HEADERS.has(k)) headers[k] = v;
  let last: HttpReply | null = null;
  for (const target of ordered(targets, req.method ?? "GET")) {
    const res = await httpRequest(`${target}${req.url}`, { method: req.method ?? "GET", headers, body: body.length > 0 ? body : undefined });
    for (const k of HOP_HEADERS) delete res.headers[k];
    last = res;
    if ((res.status === 404 || res.status === 405) && res.body.toString().includes("M_UNRECOGNIZED")) continue;
    return res;
  }
  return last!;
}

const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

/**
 * Reads mostly go to the first target (the syncapi), writes to the others (the clientapi),
 * so the likely one is asked first and most requests make one upstream call, not two.
 */
function ordered(targets: readonly string[], method: string): readonly string[] {
  return method === "GET" || targets.length < 2 ? targets : [...targets.slice(1), targets[0]!];
}
