import * as grpc from "@grpc/grpc-js";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadFileDescriptorSetFromBuffer, loadSync, type PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import type { Logger } from "../logging/logger.js";
import { authenticateCalls } from "./auth.js";
import { loadDescriptorSet } from "./descriptor.js";
import { HealthRegistry, HealthService, ServingStatus } from "./health.js";
import { withServerLogging } from "./server-logging.js";

/** A generated service definition (ts-proto `XService`) and its implementation. */
export interface ServiceBinding {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
  /**
   * The privileged methods (minting tokens, setting passwords, making accounts), by name,
   * each with what its log line says about a request: these calls are logged at info.
   * Never a password or a token.
   */
  privileged?: Readonly<Record<string, (request: never) => Record<string, unknown>>>;
}

/**
 * A component's gRPC server: its own services plus grpc.health.v1 and server reflection
 * (v1 and v1alpha) over the services this server serves, so grpcurl and Kubernetes probes
 * work against any component and `grpcurl list` names only what answers. Every call but
 * health and reflection must carry the components' shared secret (auth.ts).
 */
export class GrpcServer {
  readonly health = new HealthRegistry();
  private readonly server: grpc.Server;
  private boundPort = 0;
  /** Fully-qualified names of the services added, which reflection lists. */
  private readonly served = new Set<string>([HEALTH_SERVICE]);
  private reflecting = false;

  constructor(
    private readonly logger: Logger,
    secret: string,
    services: readonly ServiceBinding[] = [],
  ) {
    this.server = new grpc.Server({ interceptors: [authenticateCalls(secret, logger)] });
    this.server.addService(HealthService, this.health.implementation);
    for (const service of services) this.add(service);
  }

  add({ definition, implementation, privileged }: ServiceBinding): void {
    // Reflection is built from the services added so far, when the server starts listening.
    if (this.reflecting) throw new Error("gRPC services must be added before the server listens");
    this.server.addService(definition, withServerLogging(definition, implementation, this.logger, privileged));
    const name = serviceName(definition);
    if (name) {
      this.health.set(name, ServingStatus.SERVING);
      this.served.add(name);
    }
  }

  /** Listens on HOST:PORT (port 0 picks a free one); returns the port. */
  async listen(address: string): Promise<number> {
    if (!this.reflecting) {
      this.reflecting = true;
      addLazyReflection(this.server, [...this.served, ...REFLECTION_SERVICES]);
    }
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(new Error(`gRPC cannot listen on ${address}: ${err.message}`)) : resolve(port),
      ),
    );
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Reports NOT_SERVING, lets calls in progress finish for up to `graceMs`, then closes. */
  async stop(graceMs = 5000): Promise<void> {
    this.health.setAllNotServing();
    this.health.endWatches();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

const HEALTH_SERVICE = "grpc.health.v1.Health";
const REFLECTION_SERVICES = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

/**
 * What reflection can describe: every service in our descriptor set, plus the reflection
 * services themselves (from the protos @grpc/reflection ships); a server lists only those
 * it serves (the `services` option), while the types of all stay describable.
 */
function reflectedPackages(): PackageDefinition {
  const require = createRequire(import.meta.url);
  const protoRoot = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  const reflectionProtos = ["v1", "v1alpha"].map((v) => join(protoRoot, "grpc", "reflection", v, "reflection.proto"));
  return {
    ...loadSync(reflectionProtos, { includeDirs: [protoRoot] }),
    ...loadFileDescriptorSetFromBuffer(loadDescriptorSet()),
  };
}

type ReflectionHandler = (stream: unknown) => void;

/**
 * Server reflection, whose description of our services is built at its first call: reading
 * the descriptor set took ~0.9 s of every process's start-up (issue 16), for a service that
 * only grpcurl asks. The services are registered at once, with their definitions; their
 * handlers are the real ones, made when first needed.
 */
function addLazyReflection(server: grpc.Server, services: string[]): void {
  let handlers: Map<string | undefined, ReflectionHandler> | null = null;
  const realHandler = (name: string | undefined): ReflectionHandler => {
    if (!handlers) {
      const built = new Map<string | undefined, ReflectionHandler>();
      new ReflectionService(reflectedPackages(), { services }).addToServer({
        addService: (definition, implementation) =>
          built.set(serviceName(definition), implementation.ServerReflectionInfo as ReflectionHandler),
      });
      handlers = built;
    }
    return handlers.get(name)!;
  };
  // A reflection service over nothing costs nothing to make; only its definitions are used.
  new ReflectionService({}, { services }).addToServer({
    addService: (definition) => {
      const name = serviceName(definition);
      server.addService(definition, { ServerReflectionInfo: (stream: unknown) => realHandler(name)(stream) });
    },
  });
}

/** "package.Service" from a generated definition's method paths ("/package.Service/Method"). */
export function serviceName(definition: grpc.ServiceDefinition): string | undefined {
  const first = Object.values(definition)[0];
  return first?.path.split("/")[1];
}
