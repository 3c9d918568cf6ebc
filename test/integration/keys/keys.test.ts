import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { crossSigningCases } from "./cases/cross-signing.js";
import { deviceListCases } from "./cases/device-lists.js";
import { queryAndClaimCases } from "./cases/query-claim.js";
import { uploadCases } from "./cases/upload.js";

/**
 * The end-to-end encryption key endpoints over HTTP against real servers from the built CLI
 * (`npm run build` first), with keys made and signed as a client makes them: the monolith
 * on the embedded database and, with PostgreSQL and NATS, the polylith (userapi, clientapi,
 * syncapi and roomserver processes behind a path-routing proxy; key calls cross gRPC).
 */
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false" };

function keysSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`end-to-end encryption keys over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    suiteVariant(`keys:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
    });
    after(async () => server?.stop());
    const current = () => server!;

    describe("POST /keys/upload", () => uploadCases(current));
    describe("POST /keys/query and /keys/claim", () => queryAndClaimCases(current));
    describe("key counts and device lists in /sync, /keys/changes, device deletion", () => deviceListCases(current));
    describe("cross-signing", () => crossSigningCases(current));
  });
}

keysSuite("monolith", () => startMonolith(ENV));
withPostgresAndNats("keys:polylith", () => keysSuite("polylith", () => startPolylith(ENV, { syncapi: true })));
