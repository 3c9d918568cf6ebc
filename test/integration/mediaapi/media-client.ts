import { expect } from "chai";
import { checkResponseOrCommonError } from "../../../testing/openapi.js";
import { TestClient, uniqueName } from "../../../testing/test-client.js";
import type { Deployment } from "../../../testing/deployment.js";

export interface MediaReply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The JSON body, for answers that are JSON (uploads, errors). */
  json: Record<string, any>;
}

export const AUTHED = "/_matrix/client/v1/media";

/** A registered client that speaks the media API: bytes in, bytes out, JSON answers checked against the spec. */
export class MediaClient extends TestClient {
  static async register(server: Deployment): Promise<MediaClient> {
    return new MediaClient(server.baseUrl).register(uniqueName("media"));
  }

  /**
   * A raw request; `spec` is the spec's path template (as in its OpenAPI file), and a JSON
   * answer is checked against it.
   */
  async raw(
    method: string,
    path: string,
    options: { body?: Buffer | string; headers?: Record<string, string>; token?: string | null; spec?: string } = {},
  ): Promise<MediaReply> {
    const headers: Record<string, string> = { "X-Forwarded-For": this.ip, ...options.headers };
    const token = options.token === undefined ? this.accessToken : options.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    const body = typeof options.body === "string" || options.body === undefined ? options.body : new Uint8Array(options.body);
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    let json: Record<string, any> = {};
    if (res.headers.get("content-type") === "application/json" && bytes.length > 0) {
      json = JSON.parse(bytes.toString("utf8")) as Record<string, any>;
      if (options.spec) checkResponseOrCommonError("client-server", method, options.spec, res.status, json);
    }
    return { status: res.status, headers: res.headers, bytes, json };
  }

  /** POST /upload; returns the media's server name and ID. */
  async upload(
    bytes: Buffer | string,
    contentType?: string,
    filename?: string,
  ): Promise<{ serverName: string; mediaId: string; uri: string }> {
    const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
    const reply = await this.raw("POST", `/_matrix/media/v3/upload${query}`, {
      body: bytes,
      headers: contentType ? { "Content-Type": contentType } : {},
      spec: "/media/v3/upload",
    });
    expect(reply.status, JSON.stringify(reply.json)).to.equal(200);
    return parseMxc(reply.json.content_uri as string);
  }

  async download(
    serverName: string,
    mediaId: string,
    options: { fileName?: string; headers?: Record<string, string>; token?: string | null } = {},
  ) {
    const tail = options.fileName === undefined ? "" : `/${encodeURIComponent(options.fileName)}`;
    return this.raw("GET", `${AUTHED}/download/${serverName}/${mediaId}${tail}`, {
      headers: options.headers,
      token: options.token,
      spec: options.fileName === undefined ? "/media/download/{serverName}/{mediaId}" : "/media/download/{serverName}/{mediaId}/{fileName}",
    });
  }

  async thumbnail(serverName: string, mediaId: string, query: Record<string, string>) {
    const params = new URLSearchParams(query).toString();
    return this.raw("GET", `${AUTHED}/thumbnail/${serverName}/${mediaId}?${params}`, { spec: "/media/thumbnail/{serverName}/{mediaId}" });
  }
}

export function parseMxc(uri: string): { serverName: string; mediaId: string; uri: string } {
  const match = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(uri);
  expect(match, `content URI ${uri}`).to.not.equal(null);
  return { serverName: match![1]!, mediaId: match![2]!, uri };
}

export function expectError(reply: MediaReply, status: number, errcode: string): void {
  expect(reply.status, JSON.stringify(reply.json)).to.equal(status);
  expect(reply.json.errcode).to.equal(errcode);
}
