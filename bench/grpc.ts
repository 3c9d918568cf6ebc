/**
 * gRPC figures (`npm run bench -- grpc`): unary calls over loopback, one and 64 in flight,
 * to a server that checks the components' shared secret (as every component's does) and,
 * for comparison, to a bare grpc-js server with no interceptor: the cost of authentication.
 */
import * as grpc from "@grpc/grpc-js";
import { createGrpcClient, unary } from "../components/internal/grpc/client.js";
import { GrpcServer } from "../components/internal/grpc/server.js";
import { silentLogger } from "../components/internal/logging/logger.js";
import { UserAuthClient, UserAuthService } from "../proto/gen/dendrite/userapi/v1/userapi.js";
import { report, reportMachineSpeed } from "./report.js";

const SECRET = "a secret of the usual length, 43 characters";
const answer = { found: true, userId: "@alice:example.org", deviceId: "DEVICE", isGuest: false };
const implementation = {
  queryAccessToken: ((_call, callback) => callback(null, answer)) as grpc.handleUnaryCall<unknown, unknown>,
};

/** A running server: its port and how to stop it. */
type Started = { port: number; stop: () => Promise<void> };

async function bareServer(): Promise<Started> {
  const server = new grpc.Server();
  server.addService(UserAuthService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, stop: async () => server.forceShutdown() };
}

async function componentServer(): Promise<Started> {
  const server = new GrpcServer(silentLogger(), SECRET, [{ definition: UserAuthService, implementation }]);
  return { port: await server.listen("127.0.0.1:0"), stop: () => server.stop(100) };
}

/** Calls per second with `inFlight` callers sharing one client. */
async function callsPerSecond(port: number, secret: string | undefined, inFlight: number, calls: number): Promise<number> {
  const client = createGrpcClient(UserAuthClient, `127.0.0.1:${port}`, { secret });
  try {
    const call = () => unary(client.queryAccessToken.bind(client), { accessToken: "dts_token" });
    for (let i = 0; i < 500; i++) await call();
    let started = 0;
    const begin = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (started++ < calls) await call();
      }),
    );
    return calls / ((performance.now() - begin) / 1000);
  } finally {
    client.close();
  }
}

export async function run(): Promise<void> {
  reportMachineSpeed("before grpc");
  for (const [name, start, secret] of [
    ["no authentication", bareServer, undefined],
    ["shared secret", componentServer, SECRET],
  ] as const) {
    const server = await start();
    try {
      report(`grpc unary loopback, 1 in flight, ${name}`, await callsPerSecond(server.port, secret, 1, 3_000), "calls/s");
      report(`grpc unary loopback, 64 in flight, ${name}`, await callsPerSecond(server.port, secret, 64, 20_000), "calls/s");
    } finally {
      await server.stop();
    }
  }
}
