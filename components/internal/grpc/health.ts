import type { ServerWritableStream } from "@grpc/grpc-js";
import { status as GrpcStatus } from "@grpc/grpc-js";
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthService,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from "../../../proto/gen/grpc/health/v1/health.js";

export { ServingStatus, HealthService };

/**
 * The standard grpc.health.v1 service. "" is the whole server; each registered service is
 * known by its full name. Kubernetes' native gRPC probes call Check with service "".
 */
export class HealthRegistry {
  private readonly statuses = new Map<string, ServingStatus>([["", ServingStatus.SERVING]]);
  private readonly watchers = new Set<{ service: string; stream: ServerWritableStream<HealthCheckRequest, HealthCheckResponse> }>();

  set(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    for (const w of this.watchers) if (w.service === service) w.stream.write({ status });
  }

  /** Marks everything NOT_SERVING: the first step of a graceful shutdown. */
  setAllNotServing(): void {
    for (const service of this.statuses.keys()) this.set(service, ServingStatus.NOT_SERVING);
  }

  readonly implementation: HealthServer = {
    check: (call, callback) => {
      const status = this.statuses.get(call.request.service);
      if (status === undefined) {
        callback({ code: GrpcStatus.NOT_FOUND, details: `unknown service ${call.request.service}` });
        return;
      }
      callback(null, { status });
    },
    list: (_call, callback) => {
      const statuses: Record<string, HealthCheckResponse> = {};
      for (const [service, status] of this.statuses) statuses[service] = { status };
      callback(null, { statuses });
    },
    watch: (stream) => {
      const service = stream.request.service;
      stream.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
      const watcher = { service, stream };
      this.watchers.add(watcher);
      stream.on("cancelled", () => this.watchers.delete(watcher));
    },
  };

  endWatches(): void {
    for (const w of this.watchers) w.stream.end();
    this.watchers.clear();
  }
}
