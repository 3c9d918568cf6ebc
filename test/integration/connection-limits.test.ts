import { expect } from "chai";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { startMonolith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../testing/deployment.js";
import { eventually } from "../../testing/eventually.js";

/**
 * A raw TCP connection to the server, for clients that misbehave below HTTP: what the
 * server sent and whether it has closed the connection.
 */
class RawConnection {
  received = "";
  closed = false;
  private readonly whenClosed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => (this.received += data));
    socket.on("error", () => {});
    this.whenClosed = new Promise((resolve) =>
      socket.on("close", () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  write(text: string): void {
    if (!this.closed) this.socket.write(text);
  }

  /** True once the server has closed the connection, false if it is still open after `ms` (a generous bound, never a measurement). */
  async closedWithin(ms: number): Promise<boolean> {
    await Promise.race([this.whenClosed, new Promise((resolve) => setTimeout(resolve, ms))]);
    return this.closed;
  }

  /** Resolves once `text` has arrived. */
  async receives(text: string): Promise<void> {
    await eventually(() => this.received.includes(text) || this.closed, 30_000, `"${text}" from the server`);
    expect(this.received).to.contain(text);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A request on a connection of its own, closed after the answer. */
function oneShot(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const VERSIONS = "GET /_matrix/client/versions HTTP/1.1\r\nHost: test\r\n\r\n";

/**
 * The HTTP listener's limits (issue 12, finding 6) against a started server, over real
 * sockets: small limits in the config so that each acts at once, and only "was closed" or
 * "was not held past a generous bound" asserted, never how long anything took.
 */
describe("connection limits of the HTTP listener", function () {
  this.timeout(120_000);
  const CAP = 4;
  /** Far beyond every configured limit: a connection still open after this was held. */
  const GENEROUS_MS = 30_000;
  let server: Deployment;
  let port: number;

  before(async function () {
    this.timeout(DEPLOYMENT_START_BUDGET_MS);
    server = await startMonolith({
      // No trusted proxy, so the test's own address is capped like any client's.
      DENDRITE_HTTP_TRUSTED_PROXIES: "",
      DENDRITE_HTTP_TIMEOUTS_HEADERS_MS: "1000",
      DENDRITE_HTTP_TIMEOUTS_REQUEST_MS: "2000",
      DENDRITE_HTTP_TIMEOUTS_KEEP_ALIVE_MS: "1000",
      DENDRITE_HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(CAP),
      DENDRITE_RATE_LIMIT_ENABLED: "false",
    });
    port = Number(new URL(server.baseUrl).port);
  });
  after(async () => server?.stop());

  it("closes a connection that sends nothing, and one whose headers stop halfway, with 408 and a line each in the log", async () => {
    const logged = server.output().length;
    const silent = await RawConnection.open(port);
    const partial = await RawConnection.open(port);
    partial.write("GET /_matrix/client/versions HTTP/1.1\r\nHost: test\r\n");
    expect(await silent.closedWithin(GENEROUS_MS), "a silent connection was held").to.equal(true);
    expect(await partial.closedWithin(GENEROUS_MS), "a connection with partial headers was held").to.equal(true);
    expect(partial.received).to.match(/^HTTP\/1\.1 408 /);
    const closedLines = () =>
      server
        .output()
        .slice(logged)
        .split("\n")
        .filter((line) => line.includes('"msg":"closed a connection"'));
    await eventually(() => closedLines().length === 2, 10_000, "a log line for each closed connection");
    expect(JSON.parse(closedLines()[0]!)).to.include({ level: "warn", code: "ERR_HTTP_REQUEST_TIMEOUT", client: "127.0.0.1" });
  });

  it("cuts a body sent one byte at a time, logging one line and no stack", async () => {
    const logged = server.output().length;
    const body = JSON.stringify({ type: "m.login.password", user: "slowloris", password: "x".repeat(40) });
    const slow = await RawConnection.open(port);
    slow.write(
      `POST /_matrix/client/v3/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    // At this pace the body would take about 20 s; the server allows the request 2 s.
    const dribble = setInterval(() => slow.write(body[sent++] ?? ""), 250);
    try {
      expect(await slow.closedWithin(GENEROUS_MS), "a dribbled body was held").to.equal(true);
    } finally {
      clearInterval(dribble);
    }
    expect(sent, "the whole body went through").to.be.lessThan(body.length);
    expect(slow.received).to.match(/^HTTP\/1\.1 408 /);
    const newLines = () => server.output().slice(logged).split("\n").filter(Boolean);
    await eventually(() => newLines().some((line) => line.includes('"msg":"request aborted"')), 10_000, "the abort's log line");
    const lines = newLines().filter((line) => line.includes("/_matrix/client/v3/login") || /"level":"(warn|error)"/.test(line));
    expect(lines, lines.join("\n")).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({ level: "warn", msg: "request aborted", path: "/_matrix/client/v3/login", status: 408 });
    expect(lines[0]).to.not.contain("stack");
  });

  it("closes a keep-alive connection left idle after its answer", async () => {
    const idle = await RawConnection.open(port);
    idle.write(VERSIONS);
    await idle.receives("HTTP/1.1 200 OK");
    expect(await idle.closedWithin(GENEROUS_MS), "an idle keep-alive connection was held").to.equal(true);
  });

  it(`caps the connections one address holds at ${CAP}, closing more at once, and takes new ones once some close`, async () => {
    const registered = await oneShot(port, "POST", "/_matrix/client/v3/register", {
      username: "connections",
      password: "pw",
      auth: { type: "m.login.dummy" },
    });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(200);
    const token = registered.body.access_token as string;
    const first = await oneShot(port, "GET", "/_matrix/client/v3/sync?timeout=0", undefined, token);
    const since = first.body.next_batch as string;
    // CAP connections held by long-polls: a request that has arrived is no longer timed.
    const held: RawConnection[] = [];
    try {
      for (let i = 0; i < CAP; i++) {
        const c = await RawConnection.open(port);
        held.push(c);
        // An answer first proves the server counts the connection.
        c.write(VERSIONS);
        await c.receives("HTTP/1.1 200 OK");
        c.write(
          `GET /_matrix/client/v3/sync?since=${since}&timeout=60000 HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        );
      }
      const refused = await RawConnection.open(port);
      refused.write(VERSIONS);
      expect(await refused.closedWithin(GENEROUS_MS), "a connection over the cap was served").to.equal(true);
      expect(refused.received).to.equal("");
      held.shift()!.destroy();
      // Once the server has seen the close, a new connection is served.
      await eventually(
        async () => {
          const next = await RawConnection.open(port);
          next.write(VERSIONS);
          await next.closedWithin(200);
          const served = next.received.startsWith("HTTP/1.1 200 OK");
          next.destroy();
          return served;
        },
        GENEROUS_MS,
        "a connection served after one closed",
      );
      expect(
        held.every((c) => !c.closed),
        "a long-poll was cut",
      ).to.equal(true);
    } finally {
      for (const c of held) c.destroy();
    }
  });
});
