import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suiteVariant, withPostgresAndNats } from "../../testing/backends.js";
import { startCli } from "../../testing/cli-process.js";
import { startMonolith, startPolylith, type Deployment } from "../../testing/deployment.js";
import { eventually } from "../../testing/eventually.js";
import { sampleOf, samplesOf, scrape, type Scrape } from "../../testing/prometheus-text.js";
import { RoomClient, RoomInspector } from "./clientapi/room-client.js";

/**
 * Every process serves Prometheus metrics: a real server from the built CLI is exercised
 * over HTTP and gRPC, then each process's /metrics is scraped and parsed, and the series an
 * operator's dashboards rely on must be there with the labels they group by.
 */
const SEND_TEMPLATE = "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}";
const CREATE_ROOM_TEMPLATE = "/_matrix/client/v3/createRoom";
const ROOMSERVER_READER = "dendrite.roomserver.v1.RoomserverReaderQuery";
const INPUT_STREAM = { stream: "InputRoomEvent", durable: "roomserver-input" };

interface Exercised {
  roomId: string;
}

/** What the scrapes are checked against: a room made, two sends, a refused send, a 404, a gRPC query. */
async function exercise(server: Deployment): Promise<Exercised> {
  const alice = await RoomClient.register(server, "metrics");
  const roomId = await alice.createRoom({ preset: "private_chat" });
  await alice.send(roomId, "one");
  await alice.send(roomId, "two");
  await alice.expectError("PUT", `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t-refused`, 401, "M_UNKNOWN_TOKEN", {
    body: { msgtype: "m.text", body: "no" },
    token: "syt_not_a_token",
  });
  await alice.expectError("GET", `/_matrix/client/v3/no/such/${encodeURIComponent(roomId)}`, 404, "M_UNRECOGNIZED");
  const inspector = new RoomInspector(server.roomserverGrpc, server.grpcSecret);
  expect((await inspector.state(roomId, "m.room.create"))?.type).to.equal("m.room.create");
  return { roomId };
}

/** HTTP requests by method, route template and status, with latency histograms; never a raw path. */
function checkHttp(s: Scrape, { roomId }: Exercised): void {
  expect(s.types.get("dendrite_http_requests_total")).to.equal("counter");
  expect(s.types.get("dendrite_http_request_duration_seconds")).to.equal("histogram");
  const sent = sampleOf(s, "dendrite_http_requests_total", { method: "PUT", route: SEND_TEMPLATE, status: "200" });
  expect(sent.value).to.be.at.least(2);
  expect(sampleOf(s, "dendrite_http_requests_total", { method: "PUT", route: SEND_TEMPLATE, status: "401" }).value).to.be.at.least(1);
  expect(sampleOf(s, "dendrite_http_requests_total", { method: "POST", route: CREATE_ROOM_TEMPLATE, status: "200" }).value).to.be.at.least(
    1,
  );
  expect(sampleOf(s, "dendrite_http_requests_total", { method: "GET", route: "unmatched", status: "404" }).value).to.be.at.least(1);
  // The histogram counts the same requests, and its +Inf bucket holds all of them.
  const labels = { method: "PUT", route: SEND_TEMPLATE, status: "200" };
  expect(sampleOf(s, "dendrite_http_request_duration_seconds_count", labels).value).to.equal(sent.value);
  expect(sampleOf(s, "dendrite_http_request_duration_seconds_bucket", { ...labels, le: "+Inf" }).value).to.equal(sent.value);
  expect(sampleOf(s, "dendrite_http_request_duration_seconds_sum", labels).value).to.be.greaterThan(0);
  for (const sample of samplesOf(s, "dendrite_http_requests_total")) {
    expect(sample.labels.route, "a route template or 'unmatched'").to.match(/^(\/|unmatched$)/);
    expect(sample.labels.route).to.not.contain(roomId);
    expect(sample.labels.route).to.not.contain(encodeURIComponent(roomId));
    expect(sample.labels.status).to.match(/^[1-5]\d\d$/);
  }
}

/** gRPC calls this process answered, by service, method and code name. */
function checkGrpcServed(s: Scrape, service: string, method?: string): void {
  expect(s.types.get("dendrite_grpc_server_handled_total")).to.equal("counter");
  const calls = samplesOf(s, "dendrite_grpc_server_handled_total", { service, code: "OK", ...(method ? { method } : {}) });
  expect(
    calls.length,
    `gRPC calls of ${service} among ${JSON.stringify(samplesOf(s, "dendrite_grpc_server_handled_total").map((c) => c.labels))}`,
  ).to.be.greaterThan(0);
  for (const call of calls) {
    expect(call.value).to.be.at.least(1);
    expect(call.labels.method).to.match(/^[A-Z]\w+$/);
    const bucket = sampleOf(s, "dendrite_grpc_server_handling_seconds_bucket", { ...call.labels, le: "+Inf" });
    expect(bucket.value).to.equal(call.value);
  }
}

/** The roomserver's input consumer: its deliveries and a lag that drains to 0 once every send was answered. */
async function checkConsumer(url: string): Promise<Scrape> {
  let s = await scrape(url);
  expect(s.types.get("dendrite_eventlog_consumer_lag")).to.equal("gauge");
  expect(s.types.get("dendrite_eventlog_redeliveries_total")).to.equal("counter");
  expect(s.types.get("dendrite_eventlog_dead_letters_total")).to.equal("counter");
  expect(sampleOf(s, "dendrite_eventlog_delivered_total", INPUT_STREAM).value).to.be.at.least(3);
  expect(sampleOf(s, "dendrite_eventlog_consumer_lag", INPUT_STREAM).value).to.be.at.least(0);
  // Acks are flushed a moment after the handler's answer, so the lag reaches 0 shortly after.
  await eventually(
    async () => {
      s = await scrape(url);
      return sampleOf(s, "dendrite_eventlog_consumer_lag", INPUT_STREAM).value === 0;
    },
    20_000,
    "the input consumer's lag at 0",
  );
  return s;
}

/** Statement and transaction latency by driver; a pool's use on PostgreSQL. */
function checkDatabase(s: Scrape, driver: "pglite" | "postgres"): void {
  expect(s.types.get("dendrite_db_query_duration_seconds")).to.equal("histogram");
  expect(sampleOf(s, "dendrite_db_query_duration_seconds_count", { driver, operation: "query" }).value).to.be.greaterThan(0);
  expect(sampleOf(s, "dendrite_db_transaction_duration_seconds_count", { driver, outcome: "commit" }).value).to.be.greaterThan(0);
  if (driver === "postgres") {
    expect(sampleOf(s, "dendrite_db_pool_connections").value).to.be.at.least(1);
    const idle = sampleOf(s, "dendrite_db_pool_idle_connections").value;
    expect(idle).to.be.at.least(0).and.at.most(sampleOf(s, "dendrite_db_pool_connections").value);
    expect(sampleOf(s, "dendrite_db_pool_waiting_clients").value).to.be.at.least(0);
  }
}

/** Node's own: memory and event-loop delay. */
function checkProcess(s: Scrape): void {
  expect(sampleOf(s, "process_resident_memory_bytes").value).to.be.greaterThan(1_000_000);
  expect(sampleOf(s, "nodejs_heap_size_used_bytes").value).to.be.greaterThan(0);
  expect(s.types.get("nodejs_eventloop_lag_seconds")).to.equal("gauge");
  expect(sampleOf(s, "nodejs_eventloop_lag_p99_seconds").value).to.be.at.least(0);
}

describe("metrics", function () {
  this.timeout(180_000);

  describe("monolith on the embedded database and log", () => {
    suiteVariant("metrics:monolith");
    let server: Deployment | undefined;
    before(async () => {
      server = await startMonolith({ DENDRITE_RATE_LIMIT_ENABLED: "false" });
    });
    after(async () => server?.stop());

    it("serves HTTP, gRPC, event-log, database and process metrics at /metrics on its HTTP listener", async () => {
      const exercised = await exercise(server!);
      expect(server!.metricsUrls.monolith).to.equal(`${server!.baseUrl}/metrics`);
      const s = await checkConsumer(server!.metricsUrls.monolith!);
      checkHttp(s, exercised);
      checkGrpcServed(s, ROOMSERVER_READER, "QueryCurrentState");
      checkDatabase(s, "pglite");
      checkProcess(s);
      // The syncapi's consumers report too (in-process log).
      expect(
        sampleOf(s, "dendrite_eventlog_consumer_lag", { stream: "OutputRoomEvent", durable: "syncapi-roomevents" }).value,
      ).to.be.at.least(0);
    });
  });

  withPostgresAndNats("metrics:polylith-postgres-nats", () => {
    describe("polylith on PostgreSQL and NATS", () => {
      suiteVariant("metrics:polylith-postgres-nats");
      let server: Deployment | undefined;
      before(async () => {
        server = await startPolylith({ DENDRITE_RATE_LIMIT_ENABLED: "false" });
      });
      after(async () => server?.stop());

      it("serves each process's metrics: the clientapi on its HTTP listener, roomserver and userapi on their own", async () => {
        const exercised = await exercise(server!);
        const urls = server!.metricsUrls;
        expect(Object.keys(urls).sort()).to.deep.equal(["clientapi", "roomserver", "userapi"]);
        // The roomserver and userapi have no HTTP listener: metrics get one of their own.
        expect(urls.roomserver).to.not.equal(urls.clientapi);

        const clientapi = await scrape(urls.clientapi!);
        checkHttp(clientapi, exercised);
        checkDatabase(clientapi, "postgres");
        checkProcess(clientapi);

        const roomserver = await checkConsumer(urls.roomserver!);
        checkGrpcServed(roomserver, ROOMSERVER_READER, "QueryCurrentState");
        // The clientapi's createRoom is a call to the roomserver's perform service.
        checkGrpcServed(roomserver, "dendrite.roomserver.v1.RoomserverPerform", "PerformCreateRoom");
        checkDatabase(roomserver, "postgres");
        checkProcess(roomserver);

        const userapi = await scrape(urls.userapi!);
        const userapiServices = new Set(
          samplesOf(userapi, "dendrite_grpc_server_handled_total", { code: "OK" }).map((c) => c.labels.service),
        );
        expect([...userapiServices].some((name) => name?.startsWith("dendrite.userapi."))).to.equal(true);
        for (const service of userapiServices) checkGrpcServed(userapi, service!);
        checkDatabase(userapi, "postgres");
        checkProcess(userapi);
      });
    });
  });

  describe("configuration", () => {
    let dir = "";
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "dendrite-metrics-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const ports = { DENDRITE_HTTP_LISTEN: "127.0.0.1:0", DENDRITE_GRPC_LISTEN: "127.0.0.1:0" };

    it("metrics.listen serves them on a listener of their own, and only there", async () => {
      const proc = await startCli(["start"], {
        cwd: dir,
        env: { ...ports, DENDRITE_METRICS_LISTEN: "127.0.0.1:0", DENDRITE_METRICS_PATH: "/internal/metrics" },
      });
      try {
        expect(proc.metricsPort).to.be.a("number");
        const s = await scrape(`http://127.0.0.1:${proc.metricsPort}/internal/metrics`);
        checkProcess(s);
        const api = `http://127.0.0.1:${proc.httpPorts[0]}`;
        expect((await fetch(`${api}/internal/metrics`)).status).to.equal(404);
        expect((await fetch(`${api}/metrics`)).status).to.equal(404);
        expect((await fetch(`${api}/_matrix/client/versions`)).status).to.equal(200);
        // The metrics listener serves nothing else.
        expect((await fetch(`http://127.0.0.1:${proc.metricsPort}/_matrix/client/versions`)).status).to.equal(404);
        // The requests to the API listener were counted by template.
        const after = await scrape(`http://127.0.0.1:${proc.metricsPort}/internal/metrics`);
        expect(sampleOf(after, "dendrite_http_requests_total", { route: "/_matrix/client/versions", status: "200" }).value).to.equal(1);
      } finally {
        expect((await proc.stop()).code).to.equal(0);
      }
    });

    it("metrics.enabled: false serves none", async () => {
      const proc = await startCli(["start"], { cwd: dir, env: { ...ports, DENDRITE_METRICS_ENABLED: "false" } });
      try {
        expect(proc.metricsPort).to.equal(null);
        const res = await fetch(`http://127.0.0.1:${proc.httpPorts[0]}/metrics`);
        expect(res.status).to.equal(404);
        expect(((await res.json()) as { errcode: string }).errcode).to.equal("M_UNRECOGNIZED");
      } finally {
        expect((await proc.stop()).code).to.equal(0);
      }
    });
  });
});
