import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  /** The CA's certificate (PEM), for the clients' CA option. */
  readonly caPem: string;
  readonly caPath: string;
  /** A server certificate signed by the CA, valid for localhost and 127.0.0.1. */
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
  remove(): void;
}

/** A throwaway certificate authority made with the openssl command, trusted only by the tests that ask for it. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "dendrite-test-ca-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=dendrite-ts test CA");
  run("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "server.ext",
  );
  const path = (name: string) => join(dir, name);
  return {
    caPem: readFileSync(path("ca.pem"), "utf8"),
    caPath: path("ca.pem"),
    certPath: path("server.pem"),
    keyPath: path("server.key"),
    certPem: readFileSync(path("server.pem"), "utf8"),
    keyPem: readFileSync(path("server.key"), "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
