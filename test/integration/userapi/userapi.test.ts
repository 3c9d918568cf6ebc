import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { runCli } from "../../../testing/cli-process.js";
import { trustedProxyCases, untrustedForwardingCases } from "./cases/client-addresses.js";
import { deviceCases } from "./cases/devices.js";
import { grpcAuthCases } from "./cases/grpc-auth.js";
import { loginLimitCases } from "./cases/login-limits.js";
import { loginCases } from "./cases/login.js";
import { profileAndDataCases } from "./cases/profile-and-data.js";
import { pushRuleCases } from "./cases/push-rules.js";
import { rateLimitCases } from "./cases/rate-limit.js";
import { closedRegistrationCases, registrationCases } from "./cases/registration.js";
import { sharedSecretCases } from "./cases/shared-secret.js";
import { tokenRevocationCases } from "./cases/token-revocation.js";
import {
  createAccountWithCli,
  startMonolith,
  startPolylith,
  type Deployment,
  DEPLOYMENT_START_BUDGET_MS,
} from "../../../testing/deployment.js";

/**
 * The account endpoints over HTTP against real servers started from the built CLI (run
 * `npm run build` first): the monolith on the embedded database, and, with PostgreSQL and
 * NATS available, the polylith with separate userapi, clientapi and syncapi processes (the
 * last two each caching token lookups) behind a path-routing proxy. One server per
 * variant serves every case; each case makes its own users.
 */
function accountSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`accounts over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    suiteVariant(`userapi:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
    });
    after(async () => server?.stop());
    const current = () => server!;

    describe("registration", () => registrationCases(current));
    describe("shared-secret registration", () => sharedSecretCases(current));
    describe("login and account", () => loginCases(current));
    describe("devices", () => deviceCases(current));
    describe("token revocation reaches every cache at once", () => tokenRevocationCases(current));
    describe("profiles, account data, filters", () => profileAndDataCases(current));
    describe("push rules", () => pushRuleCases(current));
    describe("rate limits", () => rateLimitCases(current));
    describe("password guessing is limited per account and through UIA", () => loginLimitCases(current));
    describe("client addresses behind a trusted proxy", () => trustedProxyCases(current));
    describe("gRPC needs the components' shared secret", () => grpcAuthCases(current));
  });
}

accountSuite("monolith", () => startMonolith());
withPostgresAndNats("userapi:polylith", () => accountSuite("polylith", () => startPolylith({}, { syncapi: true })));

/** The default config: no proxy is trusted, so X-Forwarded-For is anyone's to forge. */
const NO_TRUSTED_PROXY = { DENDRITE_HTTP_TRUSTED_PROXIES: "" };
function untrustedForwardingSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`X-Forwarded-For without a trusted proxy: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    suiteVariant(`untrusted-forwarding:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
    });
    after(async () => server?.stop());
    untrustedForwardingCases(() => server!);
  });
}
untrustedForwardingSuite("monolith", () => startMonolith(NO_TRUSTED_PROXY));
withPostgresAndNats("untrusted-forwarding:polylith", () => untrustedForwardingSuite("polylith", () => startPolylith(NO_TRUSTED_PROXY)));

describe("accounts over HTTP: registration closed (monolith)", function () {
  this.timeout(60_000);
  let server: Deployment | undefined;
  before(async function () {
    this.timeout(DEPLOYMENT_START_BUDGET_MS);
    server = await startMonolith({
      DENDRITE_REGISTRATION_OPEN: "false",
      DENDRITE_REGISTRATION_GUESTS: "false",
      DENDRITE_REGISTRATION_SHARED_SECRET: "",
    });
  });
  after(async () => server?.stop());
  closedRegistrationCases(() => server!);
});

describe("dendrite-ts create-account", function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "dendrite-create-account-"));
    config = join(dir, "d.yaml");
    expect((await runCli(["generate-config", "--server-name", "cli.test", "--data-dir", dir, "-o", config])).code).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("creates an account and prints its user ID; refuses a taken or invalid name with exit 1", async () => {
    const created = await createAccountWithCli(["--config", config, "--username", "first", "--password", "pw"], {});
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.equal("@first:cli.test\n");
    const again = await createAccountWithCli(["--config", config, "--username", "first"], {}, "pw");
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain("already taken");
    const invalid = await createAccountWithCli(["--config", config, "--username", "Not Valid", "--password", "pw"], {});
    expect(invalid.code).to.equal(1);
    expect(invalid.stderr).to.contain("user names may only contain");
  });

  it("needs exactly one way of giving the password (usage, exit 2)", async () => {
    const neither = await createAccountWithCli(["--config", config, "--username", "x"], {});
    expect(neither.code).to.equal(2);
    expect(neither.stderr).to.contain("--password-stdin");
  });
});
