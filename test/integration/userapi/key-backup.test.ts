import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { keyBackupCases } from "./cases/key-backup.js";

/**
 * Server-side key backups over HTTP against real servers from the built CLI (run `npm run
 * build` first): the monolith on the embedded database, and, with PostgreSQL and NATS, the
 * polylith, where the clientapi reaches the userapi's KeyBackup service over gRPC.
 */
function keyBackupSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`key backups over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    suiteVariant(`key-backup:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
    });
    after(async () => server?.stop());
    keyBackupCases(() => server!);
  });
}

keyBackupSuite("monolith", () => startMonolith());
withPostgresAndNats("key-backup:polylith", () => keyBackupSuite("polylith", () => startPolylith()));
