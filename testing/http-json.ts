import { Agent, request } from "node:http";

/**
 * Plain node:http with keep-alive, for the hot loops of benches and the test proxy: on this
 * machine fetch (undici) costs about four times the CPU per request, which a bench's own
 * clients would take from the server under measurement.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function httpRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: Buffer | string; signal?: AbortSignal },
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body);
    const req = request(url, { method: options.method, headers, agent, signal: options.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") out[k] = v;
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A Matrix client request with a JSON body and answer; throws unless the status is 200. */
export async function matrixRequest(
  baseUrl: string,
  method: string,
  path: string,
  accessToken: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Record<string, any>> {
  const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const reply = await httpRequest(new URL(path, baseUrl).toString(), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const parsed = reply.body.length > 0 ? (JSON.parse(reply.body.toString("utf8")) as Record<string, any>) : {};
  if (reply.status !== 200) throw new Error(`${method} ${path} answered ${reply.status}: ${reply.body.toString("utf8")}`);
  return parsed;
}
