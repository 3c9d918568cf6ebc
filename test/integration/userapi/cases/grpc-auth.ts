import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { createGrpcClient, unary } from "../../../../components/internal/grpc/client.js";
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient } from "../../../../proto/gen/grpc/health/v1/health.js";
import { RoomserverReaderQueryClient } from "../../../../proto/gen/dendrite/roomserver/v1/query.js";
import {
  AccountsClient,
  DevicesClient,
  type CreateDeviceRequest,
  type CreateDeviceResponse,
} from "../../../../proto/gen/dendrite/userapi/v1/userapi.js";
import type { Deployment } from "../../../../testing/deployment.js";
import { listServices } from "../../../../testing/grpc-reflection.js";
import { TestClient, uniqueName } from "../../../../testing/test-client.js";

/** A call's gRPC failure, or null when it succeeded. */
async function failure(call: Promise<unknown>): Promise<grpc.ServiceError | null> {
  return call.then(
    () => null,
    (err: grpc.ServiceError) => err,
  );
}

/**
 * gRPC between components needs the shared secret (issue 12, finding 8): without it no one
 * who reaches a gRPC port mints tokens or sets passwords; health and reflection stay open
 * for probes and grpcurl; privileged calls are logged at info.
 */
export function grpcAuthCases(server: () => Deployment): void {
  /** Uses a client, then closes it. */
  const withClient = async <C extends grpc.Client, T>(client: C, use: (c: C) => Promise<T>) => {
    try {
      return await use(client);
    } finally {
      client.close();
    }
  };

  it("refuses Devices/CreateDevice and Accounts/SetPassword without the secret, or with a wrong one, with UNAUTHENTICATED", async () => {
    const c = await new TestClient(server().baseUrl).register(uniqueName("grpcvictim"));
    for (const secret of [undefined, "not the secret of this deployment, but long enough"]) {
      const minted = await withClient(createGrpcClient(DevicesClient, server().userapiGrpc, { secret }), (client) =>
        failure(unary(client.createDevice.bind(client), { userId: c.userId, deviceId: "MINTED" })),
      );
      expect(minted?.code, String(minted)).to.equal(grpc.status.UNAUTHENTICATED);
      const reset = await withClient(createGrpcClient(AccountsClient, server().userapiGrpc, { secret }), (client) =>
        failure(unary(client.setPassword.bind(client), { userId: c.userId, password: "taken over", logoutDevices: true })),
      );
      expect(reset?.code, String(reset)).to.equal(grpc.status.UNAUTHENTICATED);
    }
    const reader = await withClient(createGrpcClient(RoomserverReaderQueryClient, server().roomserverGrpc, {}), (client) =>
      failure(unary(client.queryRoomsForUser.bind(client), { userId: c.userId, membership: "join" })),
    );
    expect(reader?.code, String(reader)).to.equal(grpc.status.UNAUTHENTICATED);
    // Nothing changed: no new device, the old password and token still work.
    const devices = (await c.expectOk("GET", "/devices", { spec: "/devices" })).devices as Array<{ device_id: string }>;
    expect(devices.map((d) => d.device_id)).to.deep.equal([c.deviceId]);
    await c.login(c.userId, c.password);
  });

  it("answers health checks and reflection without the secret", async () => {
    for (const address of new Set([server().userapiGrpc, server().roomserverGrpc])) {
      const status = await withClient(createGrpcClient(HealthClient, address, {}), (client) =>
        unary(client.check.bind(client), { service: "" }),
      );
      expect(status).to.deep.equal({ status: ServingStatus.SERVING });
    }
    expect(await listServices(server().userapiGrpc)).to.include("dendrite.userapi.v1.Devices");
  });

  it("serves a call with the secret, and logs privileged calls at info without their secrets", async () => {
    const c = await new TestClient(server().baseUrl).register(uniqueName("grpcadmin"));
    const device: CreateDeviceResponse = await withClient(
      createGrpcClient(DevicesClient, server().userapiGrpc, { secret: server().grpcSecret }),
      (client) =>
        unary<CreateDeviceRequest, CreateDeviceResponse>(client.createDevice.bind(client), { userId: c.userId, deviceId: "BYGRPC" }),
    );
    await c.expectOk("GET", "/account/whoami", { spec: "/account/whoami", token: device.accessToken });
    const lines = server()
      .output()
      .split("\n")
      .filter((line) => line.includes('"msg":"privileged gRPC call"') && line.includes(c.userId));
    expect(lines, "no privileged gRPC call logged").to.have.length.greaterThan(0);
    const logged = JSON.parse(lines.find((line) => line.includes("BYGRPC"))!) as Record<string, unknown>;
    expect(logged).to.include({
      level: "info",
      grpc_method: "/dendrite.userapi.v1.Devices/CreateDevice",
      user_id: c.userId,
      device_id: "BYGRPC",
    });
    expect(lines.join("\n")).to.not.contain(device.accessToken);
  });
}
