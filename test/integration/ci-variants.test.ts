import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The suites' variants tell the truth about what ran: without PostgreSQL and NATS, each
 * variant that needs them is a pending test that says why (mocha lists it), and `.ci/run`'s
 * check (.ci/check-variants) fails unless every variant a suite declared ran.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MOCHA = join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
const CHECK = join(ROOT, ".ci", "check-variants");

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("suite variants and the CI check", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "dendrite-variants-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("without PostgreSQL and NATS, every variant that needs them is pending with its reason, and the CI check fails", async () => {
    const log = join(dir, "variants.log");
    const env: NodeJS.ProcessEnv = { ...process.env, DENDRITE_TEST_VARIANT_LOG: log };
    delete env.DENDRITE_TEST_POSTGRES;
    delete env.DENDRITE_TEST_NATS;
    // A dry run registers every suite (and so every variant) without running a test.
    const mocha = await run(process.execPath, [MOCHA, "--dry-run", "test/integration/**/*.test.ts"], env);
    expect(mocha.code, mocha.stderr).to.equal(0);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    const pending = lines.filter((l) => l.startsWith("pending ")).map((l) => l.slice("pending ".length));
    const declared = lines.filter((l) => l.startsWith("declared ")).map((l) => l.slice("declared ".length));
    // Each kind of gate: both services, the database alone, NATS alone, the roomserver setups.
    expect(pending).to.include.members(["clientapi:polylith", "database:postgres", "eventlog:nats", "roomserver-input:postgres+nats"]);
    // Whatever is pending names a backend this run lacks, and the embedded variants are not pending.
    for (const name of pending) expect(name).to.match(/postgres|nats|polylith|process/);
    expect(declared).to.include.members(["clientapi:monolith", "database:pglite", "eventlog:in-process"]);
    for (const name of pending) expect(mocha.stdout).to.match(new RegExp(`- ${name.replace(/[+]/g, "\\+")} \\(needs DENDRITE_TEST_`));

    const check = await run(CHECK, [log], process.env);
    expect(check.code).to.equal(1);
    expect(check.stderr).to.contain("the clientapi:polylith variant of the suites did not run");
  });

  it("the CI check passes only when every declared variant ran, PostgreSQL and NATS among them", async () => {
    const check = async (lines: string[]) => {
      const log = join(dir, "log");
      writeFileSync(log, `${lines.join("\n")}\n`);
      return run(CHECK, [log], process.env);
    };
    const all = ["declared a:pglite", "declared a:postgres", "declared b:nats", "ran a:pglite", "ran a:postgres", "ran b:nats"];
    expect((await check(all)).code).to.equal(0);
    const newVariantNotRun = await check([...all, "declared c:postgres"]);
    expect(newVariantNotRun.code).to.equal(1);
    expect(newVariantNotRun.stderr).to.contain("the c:postgres variant of the suites did not run");
    const noNats = await check(["declared a:postgres", "ran a:postgres"]);
    expect(noNats.code).to.equal(1);
    expect(noNats.stderr).to.contain("no nats variant");
  });
});
