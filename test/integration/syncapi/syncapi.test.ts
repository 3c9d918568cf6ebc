import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { ephemeralCases } from "./cases/ephemeral.js";
import { filterCases } from "./cases/filters.js";
import { historyCases } from "./cases/history.js";
import { historyEdgeCases } from "./cases/history-edges.js";
import { ignoredUserCases } from "./cases/ignored-users.js";
import { presenceAndToDeviceCases } from "./cases/presence-to-device.js";
import { restartCases } from "./cases/restart.js";
import { syncBasicCases } from "./cases/sync-basics.js";
import { syncGapCases } from "./cases/sync-gaps.js";
import { visibilityCases } from "./cases/visibility.js";

/**
 * The client API readers over HTTP against real servers from the built CLI (`npm run build`
 * first): the monolith on the embedded database, and, with PostgreSQL and NATS, the polylith
 * with roomserver, userapi, clientapi and syncapi processes behind a path-routing proxy.
 * Rooms and messages are made through the clientapi, as a client makes them.
 */
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };

/** `restarts`: the deployment can restart (the monolith), so the restart cases run, last. */
function syncSuite(variant: string, start: () => Promise<Deployment>, restarts = false): void {
  describe(`client API readers over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    suiteVariant(`syncapi:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
    });
    after(async () => server?.stop());
    const current = () => server!;

    describe("/sync", () => syncBasicCases(current));
    describe("/sync at the edges", () => syncGapCases(current));
    describe("filters", () => filterCases(current));
    describe("history and state", () => historyCases(current));
    describe("history at the edges", () => historyEdgeCases(current));
    describe("history visibility", () => visibilityCases(current));
    describe("typing, receipts, account data", () => ephemeralCases(current));
    describe("presence and send-to-device", () => presenceAndToDeviceCases(current));
    describe("ignoring users", () => ignoredUserCases(current));
    if (restarts) describe("after a restart", () => restartCases(current));
  });
}

syncSuite("monolith", () => startMonolith(ENV), true);
withPostgresAndNats("syncapi:polylith", () => syncSuite("polylith", () => startPolylith(ENV, { syncapi: true })));
