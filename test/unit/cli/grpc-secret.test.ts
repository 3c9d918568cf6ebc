import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGrpcSecretFile, loadGrpcSecret } from "../../../cli/grpc-secret.js";
import { ConfigError } from "../../../components/internal/config/errors.js";

describe("the components' gRPC secret file", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "dendrite-grpc-secret-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is created once, owner-only, by whichever process comes first, and read by all", () => {
    const path = join(dir, "sub", "grpc.secret");
    expect(createGrpcSecretFile(path)).to.equal(true);
    expect(createGrpcSecretFile(path)).to.equal(false);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const secret = loadGrpcSecret(path, true);
    expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(loadGrpcSecret(path, false)).to.equal(secret);
    expect(readdirSync(join(dir, "sub"))).to.deep.equal(["grpc.secret"]);
  });

  it("is never made by a polylith process, which stops with the key's name instead", () => {
    const err = (() => {
      try {
        loadGrpcSecret(join(dir, "absent"), false);
      } catch (e) {
        return e;
      }
    })();
    expect(err).to.be.instanceOf(ConfigError).with.property("key", "grpc.secret_path");
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("refuses a short secret or a placeholder with spaces", () => {
    for (const text of ["CHANGE_ME\n", "a secret with spaces that is long enough to pass\n"]) {
      writeFileSync(join(dir, "weak"), text);
      expect(() => loadGrpcSecret(join(dir, "weak"), true)).to.throw(ConfigError, /at least 32 characters/);
    }
    writeFileSync(join(dir, "ok"), `${"s".repeat(40)}\n`);
    expect(loadGrpcSecret(join(dir, "ok"), false)).to.equal("s".repeat(40));
    expect(readFileSync(join(dir, "ok"), "utf8")).to.equal(`${"s".repeat(40)}\n`);
  });
});
