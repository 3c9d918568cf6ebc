import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { componentFor } from "../cli/route-table.js";
import type { ComponentName } from "../components/internal/config/types.js";
import { httpRequest } from "./http-json.js";

/**
 * What an Ingress does in front of the polylith, for tests: each request goes to the
 * component the route table (cli/route-table.ts) names for its method and path, so suites
 * keep one base URL while each component serves only its own routes. Unlike an Ingress it
 * routes by method too. A request for a component it has no address for is 502; one the
 * table has no component for goes to the clientapi.
 */
export class ComponentProxy {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** `targets`: each running component's HTTP base URL. */
  static async start(targets: Partial<Record<ComponentName, string>>): Promise<ComponentProxy> {
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

const DEFAULT_BACKEND: ComponentName = "clientapi";

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function forward(req: IncomingMessage, targets: Partial<Record<ComponentName, string>>) {
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  // A path the table gives no component (/health, which every process serves, or an unknown
  // one) goes to the clientapi, which answers /health and 404 M_UNRECOGNIZED.
  const component = componentFor(method, url.split("?")[0]!) ?? DEFAULT_BACKEND;
  const target = targets[component];
  if (!target) throw new Error(`no running component serves ${method} ${url} (route table: ${component})`);
  const body = await readBody(req);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !HOP_HEADERS.has(k)) headers[k] = v;
  const res = await httpRequest(`${target}${url}`, { method, headers, body: body.length > 0 ? body : undefined });
  // The upstream's Content-Length stays: the body is passed on whole, and a HEAD answer has
  // none to measure (media downloads announce their size that way).
  for (const k of HOP_HEADERS) if (k !== "content-length") delete res.headers[k];
  return res;
}

const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);
