import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGrpcClient, unary } from "../../components/internal/grpc/client.js";
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient } from "../../proto/gen/grpc/health/v1/health.js";
import {
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  createPostgresDatabase,
  deleteNatsStreams,
  dropPostgresDatabase,
  suiteVariant,
  withPostgresAndNats,
  uniquePrefix,
} from "../../testing/backends.js";
import { runCli, startCli, type RunningProcess } from "../../testing/cli-process.js";
import { listServices } from "../../testing/grpc-reflection.js";
import { COMPONENTS } from "../../cli/components.js";
import { buildComponentsForListing } from "../../cli/route-list.js";
import type { ComponentName } from "../../components/internal/config/types.js";
import { serviceName } from "../../components/internal/grpc/server.js";
import { checkResponse } from "../../testing/openapi.js";

/** Port 0 everywhere: each process reports the ports it got in its "listening" line. */
const EPHEMERAL_PORTS: NodeJS.ProcessEnv = {
  DENDRITE_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_CLIENTAPI_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_CLIENTAPI_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_FEDERATIONAPI_HTTP_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_FEDERATIONAPI_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_ROOMSERVER_GRPC_LISTEN: "127.0.0.1:0",
  DENDRITE_COMPONENTS_ROOMSERVER_METRICS_LISTEN: "127.0.0.1:0",
};

const PLUMBING_SERVICES = ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

/** The gRPC services a component serves, read from its service definitions' method paths. */
function servicesOf(names: readonly ComponentName[]): string[] {
  const served = new Set<string>(PLUMBING_SERVICES);
  const built = buildComponentsForListing();
  for (const name of names) {
    const component = built.get(name);
    for (const binding of component?.grpcServices ?? []) served.add(serviceName(binding.definition)!);
  }
  return [...served].sort();
}

/** Health answers, and reflection lists exactly the services the process serves. */
async function checkHealthAndReflection(proc: RunningProcess, components: readonly ComponentName[]): Promise<void> {
  const address = `127.0.0.1:${proc.grpcPort}`;
  expect(await listServices(address)).to.deep.equal(servicesOf(components));
  const client = createGrpcClient(HealthClient, address);
  try {
    expect(await unary(client.check.bind(client), { service: "" })).to.deep.equal({ status: ServingStatus.SERVING });
  } finally {
    client.close();
  }
}

async function expectVersions(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/_matrix/client/versions`);
  expect(res.status).to.equal(200);
  const body = (await res.json()) as { versions: string[] };
  checkResponse("client-server", "GET", "/versions", 200, body);
  expect(body.versions).to.include("v1.16");
  expect(body.versions.filter((v) => v.startsWith("r0"))).to.deep.equal([], "no r0 paths are served");
}

describe("the dendrite-ts CLI as processes", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "dendrite-cli-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  suiteVariant("process:monolith-embedded");
  it("start: first run writes the config, signing key and gRPC secret, serves, and stops on SIGTERM with 0", async () => {
    const proc = await startCli(["start"], { cwd: dir, env: EPHEMERAL_PORTS });
    try {
      expect(existsSync(join(dir, "data", "dendrite.yaml"))).to.equal(true);
      expect(readFileSync(join(dir, "data", "signing.key"), "utf8")).to.match(/^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n$/);
      expect(readFileSync(join(dir, "data", "dendrite.yaml"), "utf8")).to.contain("server_name: localhost:8008");
      expect(readFileSync(join(dir, "data", "grpc.secret"), "utf8")).to.match(/^[A-Za-z0-9_-]{43}\n$/);
      const [port] = proc.httpPorts;
      await expectVersions(port!);
      const fed = await fetch(`http://127.0.0.1:${port}/_matrix/federation/v1/version`);
      const fedBody = (await fed.json()) as { server: { name: string } };
      checkResponse("server-server", "GET", "/version", 200, fedBody);
      expect(fedBody.server.name).to.equal("dendrite-ts");
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).to.deep.equal({ status: "ok" });
      await checkHealthAndReflection(proc, Object.keys(COMPONENTS) as ComponentName[]);
    } finally {
      // 0 only when the graceful stop finished before the CLI's own deadline (9 s, under the 10 s allowed).
      const { code } = await proc.stop("SIGTERM");
      expect(code).to.equal(0);
    }
    // A second start reuses the same config, key and secret.
    const key = readFileSync(join(dir, "data", "signing.key"), "utf8");
    const secret = readFileSync(join(dir, "data", "grpc.secret"), "utf8");
    const again = await startCli(["start"], { cwd: dir, env: EPHEMERAL_PORTS });
    expect((await again.stop("SIGINT")).code).to.equal(0);
    expect(readFileSync(join(dir, "data", "signing.key"), "utf8")).to.equal(key);
    expect(readFileSync(join(dir, "data", "grpc.secret"), "utf8")).to.equal(secret);
  });

  it("generate-config prints a config, or writes it and the key with -o", async () => {
    const printed = await runCli(["generate-config", "--server-name", "localhost:8480"]);
    expect(printed.code).to.equal(0);
    expect(printed.stdout).to.contain("server_name: localhost:8480");
    const written = await runCli(["generate-config", "--server-name", "example.org", "--data-dir", dir, "-o", join(dir, "d.yaml")]);
    expect(written.code).to.equal(0);
    expect(readFileSync(join(dir, "d.yaml"), "utf8")).to.contain("server_name: example.org");
    expect(existsSync(join(dir, "signing.key"))).to.equal(true);
  });

  it("stops start-up with exit 2 and the key's name when the config is bad", async () => {
    writeFileSync(join(dir, "bad.yaml"), "server_name: example.org\nhttp:\n  listen: nowhere\n");
    const bad = await runCli(["monolith", "--config", join(dir, "bad.yaml")]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("http.listen");
    writeFileSync(join(dir, "missing.yaml"), "http:\n  listen: 127.0.0.1:1\n");
    const missing = await runCli(["monolith", "--config", join(dir, "missing.yaml")]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("server_name: is required");
    const noFile = await runCli(["monolith", "--config", join(dir, "absent.yaml")]);
    expect(noFile.code).to.equal(2);
    expect(noFile.stderr).to.contain("absent.yaml");
    const noServerName = await runCli(["generate-config"]);
    expect(noServerName.code).to.equal(2);
    expect(noServerName.stderr).to.contain("server_name");
  });

  it("stops a polylith process that has no gRPC secret with exit 2 and the key's name, making none", async () => {
    writeFileSync(join(dir, "c.yaml"), `server_name: example.org\ngrpc:\n  secret_path: ${join(dir, "absent.secret")}\n`);
    const result = await runCli(["roomserver", "--config", join(dir, "c.yaml")], { env: EPHEMERAL_PORTS });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("grpc.secret_path");
    expect(existsSync(join(dir, "absent.secret"))).to.equal(false);
  });

  // Every component exists now (the mediaapi was the last); a name that is none is refused.
  it("says so and exits 2 for a command or component that does not exist", async () => {
    writeFileSync(join(dir, "c.yaml"), "server_name: example.org\n");
    const result = await runCli(["pushserver", "--config", join(dir, "c.yaml")]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('unknown command "pushserver"');
  });

  withPostgresAndNats("process:polylith-postgres-nats", () =>
    describe("polylith on PostgreSQL and NATS", () => {
      suiteVariant("process:polylith-postgres-nats");
      it("runs roomserver, clientapi and federationapi as their own processes, each healthy and reflecting", async () => {
        const dbUrl = await createPostgresDatabase(TEST_POSTGRES_URL!);
        const prefix = uniquePrefix();
        const config = join(dir, "poly.yaml");
        const generated = await runCli([
          "generate-config",
          "--server-name",
          "example.org",
          "--data-dir",
          dir,
          "--postgres",
          dbUrl,
          "--nats",
          TEST_NATS_URL!,
          "-o",
          config,
        ]);
        expect(generated.code).to.equal(0);
        const env = { ...EPHEMERAL_PORTS, DENDRITE_EVENT_LOG_STREAM_PREFIX: prefix };
        const started: RunningProcess[] = [];
        try {
          const [client, federation, roomserver] = await Promise.all([
            startCli(["clientapi", "--config", config], { env }),
            startCli(["federationapi", "--config", config], { env }),
            startCli(["roomserver", "--config", config], { env }),
          ]);
          started.push(client, federation, roomserver);
          expect(await listServices(`127.0.0.1:${roomserver.grpcPort}`)).to.include("dendrite.roomserver.v1.RoomserverReaderQuery");
          await expectVersions(client.httpPorts[0]!);
          const fed = await fetch(`http://127.0.0.1:${federation.httpPorts[0]}/_matrix/federation/v1/version`);
          expect(fed.status).to.equal(200);
          // Each process serves only its own component's routes.
          expect((await fetch(`http://127.0.0.1:${client.httpPorts[0]}/_matrix/federation/v1/version`)).status).to.equal(404);
          await checkHealthAndReflection(client, ["clientapi"]);
          await checkHealthAndReflection(federation, ["federationapi"]);
          await checkHealthAndReflection(roomserver, ["roomserver"]);
          // The roomserver's reflection names none of the userapi's services, and vice versa.
          expect(await listServices(`127.0.0.1:${roomserver.grpcPort}`)).to.not.include("dendrite.userapi.v1.Devices");
          expect(client.output()).to.contain('"database":"postgres"');
          expect(client.output()).to.contain('"event_log":"nats"');
        } finally {
          for (const proc of started) expect((await proc.stop("SIGTERM")).code).to.equal(0);
          await deleteNatsStreams(TEST_NATS_URL!, prefix);
          await dropPostgresDatabase(TEST_POSTGRES_URL!, dbUrl);
        }
      });
    }),
  );
});
