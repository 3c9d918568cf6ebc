import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { RoomInspector } from "../clientapi/room-client.js";
import { jsonDepthCases } from "./cases/json-depth.js";
import { unstorableTextCases } from "./cases/unstorable-text.js";
import { userIdCases } from "./cases/user-ids.js";

/**
 * Hostile input over HTTP (issue 12, items 2, 3 and 6) against real servers from the built
 * CLI: the monolith on the embedded database, and, with PostgreSQL and NATS, the polylith
 * with every component in its own process behind the path-routing proxy. Rate limits are off
 * (their own suite tests them).
 */
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };

function hostileInputSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`hostile input over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    let inspector: RoomInspector | undefined;
    suiteVariant(`hostile-input:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
      inspector = new RoomInspector(server.roomserverGrpc, server.grpcSecret);
    });
    after(async () => server?.stop());
    const current = () => server!;
    const rooms = () => inspector!;

    describe("text the database cannot hold", () => unstorableTextCases(current, rooms));
    describe("JSON nesting", () => jsonDepthCases(current));
    describe("user IDs of this server's users", () => userIdCases(current, rooms));
  });
}

hostileInputSuite("monolith", () => startMonolith(ENV));
withPostgresAndNats("hostile-input:polylith", () => hostileInputSuite("polylith", () => startPolylith(ENV, { syncapi: true })));
