import { expect } from "chai";
import type { Database, Queryable } from "../../../components/internal/database/database.js";
import { meteredDatabase } from "../../../components/internal/database/metered.js";
import { watchPool } from "../../../components/internal/metrics/database-metrics.js";
import { countDeadLetter, watchConsumerLag } from "../../../components/internal/metrics/eventlog-metrics.js";
import { observeGrpcCall } from "../../../components/internal/metrics/grpc-metrics.js";
import { observeHttpRequest } from "../../../components/internal/metrics/http-metrics.js";
import { metricsRegistry, renderMetrics } from "../../../components/internal/metrics/registry.js";
import { parsePrometheusText, sampleOf, samplesOf } from "../../../testing/prometheus-text.js";

async function scrapeNow() {
  const { contentType, body } = await renderMetrics();
  expect(contentType).to.match(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(body);
}

/** A database whose statements take no time and whose transactions fail when told to. */
function fakeDatabase(): Database {
  const q: Queryable = { query: async () => [], execute: async () => 1, exec: async () => {} };
  return {
    kind: "postgres",
    ...q,
    transaction: async (work) => work(q),
    lazyTransaction: async (work) => work({ ...q, last: q.query }),
    close: async () => {},
  };
}

describe("metrics", () => {
  it("counts dead letters per stream and durable", async () => {
    const labels = { stream: "UnitStream", durable: "unit-dead" };
    const before = samplesOf(await scrapeNow(), "dendrite_eventlog_dead_letters_total", labels)[0]?.value ?? 0;
    countDeadLetter("UnitStream", "unit-dead");
    countDeadLetter("UnitStream", "unit-dead");
    expect(sampleOf(await scrapeNow(), "dendrite_eventlog_dead_letters_total", labels).value).to.equal(before + 2);
  });

  it("sums the lag of every running consumer of one durable and forgets a stopped one", async () => {
    const labels = { stream: "UnitStream", durable: "unit-lag" };
    const stopA = watchConsumerLag("UnitStream", "unit-lag", () => 3);
    const stopB = watchConsumerLag("UnitStream", "unit-lag", async () => 4);
    const stopBroken = watchConsumerLag("UnitStream", "unit-lag", () => Promise.reject(new Error("unreachable")));
    expect(sampleOf(await scrapeNow(), "dendrite_eventlog_consumer_lag", labels).value).to.equal(7);
    stopA();
    stopBroken();
    expect(sampleOf(await scrapeNow(), "dendrite_eventlog_consumer_lag", labels).value).to.equal(4);
    stopB();
    expect(samplesOf(await scrapeNow(), "dendrite_eventlog_consumer_lag", labels)).to.deep.equal([]);
  });

  it("labels HTTP requests by template, bounding invented methods and unmatched paths", async () => {
    observeHttpRequest("BREW", "/unit/{thing}", 405, 0.002);
    observeHttpRequest("GET", undefined, 404, 0.001);
    const s = await scrapeNow();
    expect(sampleOf(s, "dendrite_http_requests_total", { method: "other", route: "/unit/{thing}", status: "405" }).value).to.be.at.least(1);
    expect(sampleOf(s, "dendrite_http_requests_total", { method: "GET", route: "unmatched", status: "404" }).value).to.be.at.least(1);
    expect(samplesOf(s, "dendrite_http_requests_total", { method: "BREW" })).to.deep.equal([]);
  });

  it("labels gRPC calls by service, method and the code's name", async () => {
    observeGrpcCall("/unit.v1.Unit/DoThing", 0, 0.001);
    observeGrpcCall("/unit.v1.Unit/DoThing", 5, 0.001);
    const s = await scrapeNow();
    expect(
      sampleOf(s, "dendrite_grpc_server_handled_total", { service: "unit.v1.Unit", method: "DoThing", code: "OK" }).value,
    ).to.be.at.least(1);
    expect(
      sampleOf(s, "dendrite_grpc_server_handled_total", { service: "unit.v1.Unit", method: "DoThing", code: "NOT_FOUND" }).value,
    ).to.be.at.least(1);
  });

  it("adds up the use of every watched pool and drops a closed one", async () => {
    const before = sampleOf(await scrapeNow(), "dendrite_db_pool_connections").value;
    const unwatch = watchPool(() => ({ total: 5, idle: 2, waiting: 1 }));
    const s = await scrapeNow();
    expect(sampleOf(s, "dendrite_db_pool_connections").value).to.equal(before + 5);
    expect(sampleOf(s, "dendrite_db_pool_waiting_clients").value).to.be.at.least(1);
    unwatch();
    expect(sampleOf(await scrapeNow(), "dendrite_db_pool_connections").value).to.equal(before);
  });

  it("times statements inside and outside transactions, and transactions by outcome", async () => {
    const db = meteredDatabase(fakeDatabase());
    const count = async (name: string, labels: Record<string, string>) => samplesOf(await scrapeNow(), name, labels)[0]?.value ?? 0;
    const queries = await count("dendrite_db_query_duration_seconds_count", { driver: "postgres", operation: "query" });
    const executes = await count("dendrite_db_query_duration_seconds_count", { driver: "postgres", operation: "execute" });
    const commits = await count("dendrite_db_transaction_duration_seconds_count", { driver: "postgres", outcome: "commit" });
    const rollbacks = await count("dendrite_db_transaction_duration_seconds_count", { driver: "postgres", outcome: "rollback" });
    await db.query("SELECT 1");
    await db.transaction(async (tx) => void (await tx.execute("UPDATE t SET x = 1")));
    await db.lazyTransaction(async (tx) => void (await tx.last("SELECT 2")));
    const failed = await db.transaction(async () => Promise.reject(new Error("boom"))).catch((err: Error) => err.message);
    expect(failed).to.equal("boom");
    expect(await count("dendrite_db_query_duration_seconds_count", { driver: "postgres", operation: "query" })).to.equal(queries + 2);
    expect(await count("dendrite_db_query_duration_seconds_count", { driver: "postgres", operation: "execute" })).to.equal(executes + 1);
    expect(await count("dendrite_db_transaction_duration_seconds_count", { driver: "postgres", outcome: "commit" })).to.equal(commits + 2);
    expect(await count("dendrite_db_transaction_duration_seconds_count", { driver: "postgres", outcome: "rollback" })).to.equal(
      rollbacks + 1,
    );
    expect(metricsRegistry.getSingleMetric("dendrite_db_query_duration_seconds")).to.not.equal(undefined);
  });
});
