import type { Config, ComponentName } from "../components/internal/config/types.js";
import type { Component, ComponentDeps } from "../components/internal/component.js";
import { checkReachable, openDatabase } from "../components/internal/database/open.js";
import type { Database } from "../components/internal/database/database.js";
import type { EventLog } from "../components/internal/eventlog/eventlog.js";
import { openEventLog } from "../components/internal/eventlog/open.js";
import { GrpcServer } from "../components/internal/grpc/server.js";
import { createHttpApp } from "../components/internal/http/app.js";
import { TrustedProxies } from "../components/internal/http/client-address.js";
import type { ConnectionLimits } from "../components/internal/http/connection-guard.js";
import { healthRouter } from "../components/internal/http/health-route.js";
import { HttpListener } from "../components/internal/http/listen.js";
import { metricsRouter } from "../components/internal/http/metrics-route.js";
import { Router } from "../components/internal/http/router.js";
import type { Logger } from "../components/internal/logging/logger.js";
import { collectProcessMetrics } from "../components/internal/metrics/registry.js";
import { COMPONENTS, makePeers } from "./components.js";
import { loadGrpcSecret } from "./grpc-secret.js";
import { loadOrCreateSigningKey } from "./signing-key.js";

export interface Listeners {
  http: HttpListener[];
  grpc: GrpcServer;
  /** The listener serving only metrics, when one is configured. */
  metrics: HttpListener | null;
}

/**
 * A running process: its database, log, components and listeners, started in dependency
 * order and stopped in reverse. `stop` is what SIGINT/SIGTERM call.
 */
export class ProcessRuntime {
  private constructor(
    readonly logger: Logger,
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly components: readonly Component[],
    readonly listeners: Listeners,
  ) {}

  /**
   * Starts the named components in one process: the monolith passes all of them and
   * listens on `http` / `grpc`; a polylith process passes one and listens on that
   * component's own addresses. When `abort` fires (a signal during start-up) the next step
   * is not taken: what was started is stopped again and the call rejects with the reason.
   */
  static async start(config: Config, names: readonly ComponentName[], logger: Logger, monolith: boolean, abort?: AbortSignal) {
    const processName = monolith ? "monolith" : names[0]!;
    // Read first: a polylith process without the components' secret cannot work at all.
    const grpcSecret = loadGrpcSecret(config.grpc.secret_path, monolith);
    if (config.metrics.enabled) collectProcessMetrics();
    const db = await untilAborted(openDatabase(config), abort, (late) => late.close());
    let log: EventLog | null = null;
    const started: Component[] = [];
    const http: HttpListener[] = [];
    let grpc: GrpcServer | null = null;
    let metrics: HttpListener | null = null;
    try {
      abort?.throwIfAborted();
      log = await untilAborted(openEventLog(config, db, logger, `dendrite-ts-${processName}`), abort, (late) => late.close());
      abort?.throwIfAborted();
      const { key } = loadOrCreateSigningKey(config.signing_key_path);
      const deps: ComponentDeps = { config, logger, db, log, signingKey: key };
      const local = new Map<ComponentName, Component>();
      const peers = makePeers(local, (name) => config.components[name].grpc_listen, { ...deps, grpcSecret });
      for (const name of names) {
        local.set(name, COMPONENTS[name]!.create({ ...deps, logger: logger.child({ component: name }) }, peers));
      }
      const components = [...local.values()];
      for (const component of components) {
        await untilAborted(Promise.resolve(component.start?.()), abort, () => component.stop?.());
        started.push(component);
        abort?.throwIfAborted();
      }

      const grpcServer = new GrpcServer(logger.child({ component: "grpc" }), grpcSecret);
      grpc = grpcServer;
      components.forEach((c) => c.grpcServices?.forEach((s) => grpcServer.add(s)));
      const grpcAddress = monolith ? config.grpc.listen : config.components[names[0]!].grpc_listen;
      await grpcServer.listen(grpcAddress);
      abort?.throwIfAborted();

      const httpAddress = monolith ? config.http.listen : config.components[names[0]!].http_listen;
      const metricsAddress = monolith ? config.metrics.listen : config.components[names[0]!].metrics_listen;
      const httpLogger = logger.child({ component: "http" });
      const trustedProxies = new TrustedProxies(config.http.trusted_proxies);
      const listen = { limits: connectionLimits(config), trustedProxies, logger: httpLogger };
      const newApp = (router: Router) =>
        createHttpApp({ logger: httpLogger, router, maxJsonBodyBytes: config.http.max_json_body_bytes, trustedProxies });
      if (config.metrics.enabled && metricsAddress) {
        metrics = await HttpListener.start(newApp(metricsRouter(config.metrics.path)), metricsAddress, listen);
      } else if (config.metrics.enabled && !httpAddress) {
        logger.warn({ process: processName }, "metrics are not served: this process has no HTTP listener and no metrics listener");
      }
      if (httpAddress) {
        const currentLog = log;
        const router = new Router().mount(
          healthRouter({
            database: () => checkReachable(db),
            "event log": () => currentLog.check(),
          }),
        );
        if (config.metrics.enabled && !metricsAddress) router.mount(metricsRouter(config.metrics.path));
        components.forEach((c) => c.router && router.mount(c.router));
        const app = newApp(router);
        http.push(await HttpListener.start(app, httpAddress, listen));
        if (monolith && config.http.https_listen) {
          const tls = { certFile: config.http.tls_cert!, keyFile: config.http.tls_key! };
          http.push(await HttpListener.start(app, config.http.https_listen, { ...listen, tls }));
        }
      }
      abort?.throwIfAborted();
      logger.info(
        {
          process: processName,
          components: names,
          http_ports: http.map((l) => l.port),
          grpc_port: grpcServer.port,
          metrics_port: metrics?.port ?? null,
          database: db.kind,
          event_log: log.kind,
        },
        "listening",
      );
      return new ProcessRuntime(logger, db, log, components, { http, grpc: grpcServer, metrics });
    } catch (err) {
      await Promise.all([...http.map((l) => l.stop()), grpc?.stop(), metrics?.stop(0)]).catch(() => {});
      for (const component of started.reverse()) await component.stop?.().catch(() => {});
      await log?.close().catch(() => {});
      await db.close().catch(() => {});
      throw err;
    }
  }

  /** Stops accepting, finishes in-flight requests and log messages, then closes log and database. */
  async stop(): Promise<void> {
    await Promise.all([...this.listeners.http.map((l) => l.stop()), this.listeners.grpc.stop(), this.listeners.metrics?.stop()]);
    for (const component of [...this.components].reverse()) await component.stop?.();
    await this.log.close();
    await this.db.close();
  }
}

/**
 * `step`, or the abort's reason as soon as `abort` fires: a step stuck on a peer that never
 * answers (a database or NATS address that accepts and stays silent) must not hold a stopping
 * process. What the abandoned step opens if it finishes later is handed to `undo`.
 */
function untilAborted<T>(step: Promise<T>, abort: AbortSignal | undefined, undo: (late: T) => unknown): Promise<T> {
  if (!abort) return step;
  if (abort.aborted) {
    void step.then(undo).catch(() => {});
    return Promise.reject(abort.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      void step.then(undo).catch(() => {});
      reject(abort.reason);
    };
    abort.addEventListener("abort", onAbort, { once: true });
    step.then(
      (value) => {
        abort.removeEventListener("abort", onAbort);
        if (abort.aborted) return;
        resolve(value);
      },
      (err: unknown) => {
        abort.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

function connectionLimits(config: Config): ConnectionLimits {
  const { headers_ms, request_ms, keep_alive_ms } = config.http.timeouts;
  return {
    headersMs: headers_ms,
    requestMs: request_ms,
    keepAliveMs: keep_alive_ms,
    maxPerAddress: config.http.max_connections_per_address,
  };
}
