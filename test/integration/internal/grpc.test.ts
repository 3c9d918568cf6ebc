import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { createGrpcClient, unary } from "../../../components/internal/grpc/client.js";
import { GrpcServer } from "../../../components/internal/grpc/server.js";
import { PassThrough } from "node:stream";
import { createLogger, silentLogger } from "../../../components/internal/logging/logger.js";
import { UserAuthClient, UserAuthService } from "../../../proto/gen/dendrite/userapi/v1/userapi.js";
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient } from "../../../proto/gen/grpc/health/v1/health.js";
import { fileContainingSymbol, listServices } from "../../../testing/grpc-reflection.js";
import { SilentPeer } from "../../../testing/silent-peer.js";

const SECRET = "the shared secret of the gRPC plumbing tests";

async function freePort(): Promise<number> {
  const probe = new GrpcServer(silentLogger(), SECRET);
  const port = await probe.listen("127.0.0.1:0");
  await probe.stop(100);
  return port;
}

describe("gRPC plumbing", () => {
  let server: GrpcServer;
  let address: string;

  before(async () => {
    server = new GrpcServer(silentLogger(), SECRET);
    address = `127.0.0.1:${await server.listen("127.0.0.1:0")}`;
  });
  after(async () => {
    await server.stop(1000);
  });

  it("lists its services through server reflection v1 and v1alpha", async () => {
    for (const version of ["v1", "v1alpha"] as const) {
      // A server with no services of its own lists only health and reflection, none of the
      // descriptor set's other services (which would answer UNIMPLEMENTED).
      expect(await listServices(address, version)).to.deep.equal([
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]);
    }
  });

  it("describes a service from the buf descriptor set", async () => {
    const files = await fileContainingSymbol(address, "grpc.health.v1.Health");
    expect(files.length).to.be.greaterThan(0);
    expect(Buffer.concat(files).toString("latin1")).to.contain("grpc/health/v1/health.proto");
  });

  it("answers Health/Check for the server and reports NOT_SERVING once stopping", async () => {
    const client = createGrpcClient(HealthClient, address);
    try {
      expect(await unary(client.check.bind(client), { service: "" })).to.deep.equal({ status: ServingStatus.SERVING });
      const unknown = await unary(client.check.bind(client), { service: "no.such.Service" }).catch((e: grpc.ServiceError) => e);
      expect((unknown as grpc.ServiceError).code).to.equal(grpc.status.NOT_FOUND);
      server.health.setAllNotServing();
      expect(await unary(client.check.bind(client), { service: "" })).to.deep.equal({ status: ServingStatus.NOT_SERVING });
      server.health.set("", ServingStatus.SERVING);
    } finally {
      client.close();
    }
  });

  it("retries a call that finds the server UNAVAILABLE until it comes up", async () => {
    const port = await freePort();
    const client = createGrpcClient(HealthClient, `127.0.0.1:${port}`, { deadlineMs: 10_000 });
    const late = new GrpcServer(silentLogger(), SECRET);
    try {
      const call = unary(client.check.bind(client), { service: "" });
      setTimeout(() => void late.listen(`127.0.0.1:${port}`), 300);
      expect(await call).to.deep.equal({ status: ServingStatus.SERVING });
    } finally {
      client.close();
      await late.stop(100);
    }
  });

  it("gives every call a deadline", async () => {
    // A peer that accepts and never answers: without a deadline the call would wait forever
    // (and this test would hit mocha's timeout); with one it fails with DEADLINE_EXCEEDED.
    const silent = await SilentPeer.start();
    const client = createGrpcClient(HealthClient, `127.0.0.1:${silent.port}`, { deadlineMs: 300, maxAttempts: 5 });
    try {
      const err = (await unary(client.check.bind(client), { service: "" }).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(err.code).to.equal(grpc.status.DEADLINE_EXCEEDED);
    } finally {
      client.close();
      await silent.stop();
    }
  });

  describe("authentication by the components' shared secret", () => {
    let guarded: GrpcServer;
    let guardedAddress: string;
    const lines: Record<string, unknown>[] = [];
    before(async () => {
      const sink = new PassThrough();
      sink.on("data", (chunk: Buffer) =>
        chunk
          .toString()
          .split("\n")
          .filter(Boolean)
          .forEach((line) => lines.push(JSON.parse(line))),
      );
      guarded = new GrpcServer(createLogger("info", sink), SECRET, [
        {
          definition: UserAuthService,
          implementation: {
            queryAccessToken: ((call: grpc.ServerUnaryCall<{ accessToken: string }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
              callback(null, { found: true, userId: "@a:b", deviceId: "D", isGuest: false })) as grpc.handleUnaryCall<unknown, unknown>,
          },
          privileged: { queryAccessToken: (r: { accessToken: string }) => ({ token_length: r.accessToken.length }) },
        },
      ]);
      guardedAddress = `127.0.0.1:${await guarded.listen("127.0.0.1:0")}`;
    });
    after(() => guarded.stop(1000));

    const ask = async (secret: string | undefined) => {
      const client = createGrpcClient(UserAuthClient, guardedAddress, { secret });
      try {
        return await unary(client.queryAccessToken.bind(client), { accessToken: "dts_secret_token" }).catch((e: grpc.ServiceError) => e);
      } finally {
        client.close();
      }
    };

    it("refuses a call without the secret or with another one (UNAUTHENTICATED), and logs the refusal", async () => {
      for (const secret of [undefined, `${SECRET}!`, ""]) {
        expect(((await ask(secret)) as grpc.ServiceError).code).to.equal(grpc.status.UNAUTHENTICATED);
      }
      expect(lines.filter((l) => l.msg === "refused a gRPC call without the shared secret")).to.have.length(3);
    });

    it("serves a call with the secret, logging a privileged one at info with what its describer picks", async () => {
      expect(await ask(SECRET)).to.deep.include({ found: true, userId: "@a:b" });
      const logged = lines.find((l) => l.msg === "privileged gRPC call");
      expect(logged).to.include({
        level: "info",
        grpc_method: "/dendrite.userapi.v1.UserAuth/QueryAccessToken",
        token_length: 16,
        code: 0,
      });
      expect(JSON.stringify(lines)).to.not.contain("dts_secret_token");
    });

    it("answers health and reflection without the secret", async () => {
      const client = createGrpcClient(HealthClient, guardedAddress);
      try {
        expect(await unary(client.check.bind(client), { service: "dendrite.userapi.v1.UserAuth" })).to.deep.equal({
          status: ServingStatus.SERVING,
        });
      } finally {
        client.close();
      }
      expect(await listServices(guardedAddress)).to.deep.equal([
        "dendrite.userapi.v1.UserAuth",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]);
      // Types of services it does not serve stay describable (grpcurl needs nothing more).
      expect((await fileContainingSymbol(guardedAddress, "dendrite.userapi.v1.UserAuth")).length).to.be.greaterThan(0);
    });
  });
});
