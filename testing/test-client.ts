import { expect } from "chai";
import { randomInt } from "node:crypto";
import { checkResponseOrCommonError } from "./openapi.js";

export interface Response {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface RequestOptions {
  /** The spec's path template (e.g. "/devices/{deviceId}"): the response is checked against it. */
  spec?: string;
  body?: unknown;
  /** A raw request body, for malformed-JSON cases (bytes for bodies that are not UTF-8). */
  rawBody?: string | Uint8Array;
  query?: Record<string, string>;
  /** The access token to send; defaults to the client's own, null sends none. */
  token?: string | null;
  /** The X-Forwarded-For header to send instead of the client's own address. */
  forwardedFor?: string;
}

/**
 * A Matrix client for the tests: plain fetch against a real server, every response checked
 * for its Content-Type and against the spec's OpenAPI definition of its endpoint (`spec`).
 * Each client claims its own client IP through X-Forwarded-For, so per-IP rate limits apply
 * per client as they would for real users behind the proxy the server trusts.
 */
export class TestClient {
  readonly ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  userId = "";
  deviceId = "";
  accessToken = "";
  password = "";

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(path.startsWith("/_") || path.startsWith("/.") ? path : `/_matrix/client/v3${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { "X-Forwarded-For": options.forwardedFor ?? this.ip };
    const token = options.token === undefined ? this.accessToken || null : options.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | Blob | undefined =
      typeof options.rawBody === "string" || options.rawBody === undefined ? options.rawBody : new Blob([new Uint8Array(options.rawBody)]);
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["Content-Type"] = "application/json";
    }
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    // Exactly the bare media type, errors and 404s included: some clients compare it as a string.
    if (text) expect(res.headers.get("content-type"), `Content-Type of ${method} ${path}`).to.equal("application/json");
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (options.spec) checkResponseOrCommonError("client-server", method, options.spec, res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** A request that must fail with `status` and `errcode`; returns the error body. */
  async expectError(method: string, path: string, status: number, errcode: string, options: RequestOptions = {}) {
    const res = await this.request(method, path, options);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(status);
    expect(res.body.errcode).to.equal(errcode);
    return res.body;
  }

  /** A request that must succeed with 200; returns the body. */
  async expectOk(method: string, path: string, options: RequestOptions = {}) {
    const res = await this.request(method, path, options);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  }

  /** Registers through the dummy UIA flow and keeps the credentials. */
  async register(username: string, password = `pw of ${username}`): Promise<this> {
    const first = await this.request("POST", "/register", { spec: "/register", body: { username, password }, token: null });
    expect(first.status, JSON.stringify(first.body)).to.equal(401);
    const body = await this.expectOk("POST", "/register", {
      spec: "/register",
      token: null,
      body: { username, password, auth: { type: "m.login.dummy", session: first.body.session } },
    });
    this.userId = body.user_id as string;
    this.deviceId = body.device_id as string;
    this.accessToken = body.access_token as string;
    this.password = password;
    return this;
  }

  /** Logs in as this client's user on a new device; returns the new device's session. */
  async login(username: string, password: string): Promise<{ accessToken: string; deviceId: string }> {
    const body = await this.expectOk("POST", "/login", {
      spec: "/login",
      token: null,
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: username }, password },
    });
    return { accessToken: body.access_token as string, deviceId: body.device_id as string };
  }

  /** The `auth` of an m.login.password stage for this client's user. */
  passwordAuth(session?: unknown) {
    return { type: "m.login.password", identifier: { type: "m.id.user", user: this.userId }, password: this.password, session };
  }
}

let counter = 0;
/** A user name no other test uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}_${randomInt(1_000_000)}`;
}
