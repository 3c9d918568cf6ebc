import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import type { RoomserverApi } from "../../../components/roomserver/api/roomserver-api.js";
import { roomserverGrpcClient } from "../../../components/roomserver/grpc/client.js";
import { TEST_NATS_URL, TEST_POSTGRES_URL, suiteVariant, pendingVariant, NEEDS_POSTGRES_AND_NATS } from "../../../testing/backends.js";
import type { RunningProcess } from "../../../testing/cli-process.js";
import { RoomserverProcessSetup } from "../../../testing/roomserver-process.js";
import { listServices } from "../../../testing/grpc-reflection.js";
import { TEST_SERVER, inputEvent } from "../../../testing/roomserver-harness.js";
import { QUERY_CHECKS } from "./query-checks.js";
import { QueryFixture } from "./query-fixture.js";

/**
 * The roomserver as its own process, as the polylith runs it: inputs reach it over NATS
 * from this test process (the in-process log of the embedded setup would live inside the
 * roomserver process, out of the test's reach), and every query is asked over gRPC.
 */
if (TEST_POSTGRES_URL && TEST_NATS_URL) {
  describe("the roomserver as a process, queried over gRPC", function () {
    this.timeout(60_000);
    let setup: RoomserverProcessSetup;
    let proc: RunningProcess;
    let log: EventLog;
    let api: RoomserverApi;
    let address: string;
    let fixture: QueryFixture;

    suiteVariant("roomserver-grpc:process");
    before(async () => {
      setup = await RoomserverProcessSetup.create(TEST_SERVER);
      proc = await setup.start();
      address = `127.0.0.1:${proc.grpcPort}`;
      api = roomserverGrpcClient(address, setup.grpcSecret);
      log = await setup.connectLog("roomserver-grpc-test");
      // Events must carry the roomserver's own signature: it knows no other server's keys yet.
      fixture = await QueryFixture.build(setup.key, (event, kind) => inputEvent(log, event, kind));
    });

    after(async () => {
      await log?.close();
      if (proc) expect((await proc.stop("SIGTERM")).code).to.equal(0);
      await setup?.dispose();
    });

    it("lists its services by reflection", async () => {
      expect(await listServices(address)).to.include.members([
        "dendrite.roomserver.v1.RoomserverReaderQuery",
        "dendrite.roomserver.v1.RoomserverWriterQuery",
        "dendrite.roomserver.v1.RoomserverPerform",
        "grpc.health.v1.Health",
      ]);
    });

    for (const [name, check] of Object.entries(QUERY_CHECKS)) {
      it(`answers ${name} over gRPC`, () => check(api, fixture));
    }

    it("answers a malformed request with INVALID_ARGUMENT and its reason", async () => {
      const err = await api.queryMessageHistory({ roomId: fixture.main.roomId, from: "????", direction: "backward", limit: 1 }).then(
        () => null,
        (e: grpc.ServiceError) => e,
      );
      expect(err?.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(err?.details).to.match(/^not a history token/);
    });
  });
} else {
  pendingVariant("roomserver-grpc:process", NEEDS_POSTGRES_AND_NATS);
}
