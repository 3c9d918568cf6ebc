import { expect } from "chai";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateConfig } from "../../components/internal/config/load.js";

const DOCKERFILE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docker", "Dockerfile"), "utf8");

/** The Dockerfile's instructions, continuation lines joined. */
function instructions(): string[] {
  return DOCKERFILE.replace(/\\\n/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
}

/** Runs the HEALTHCHECK's exec-form command as Docker would, with HEALTHCHECK_URL set. */
function runHealthCheck(url: string): Promise<number> {
  const line = instructions().find((l) => l.startsWith("HEALTHCHECK "))!;
  const command = JSON.parse(line.slice(line.indexOf("CMD ") + 4)) as string[];
  expect(command[0]).to.equal("node");
  return new Promise((resolve) => {
    const child = execFile(process.execPath, command.slice(1), { env: { ...process.env, HEALTHCHECK_URL: url } });
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

describe("the Dockerfile", () => {
  it("checks the monolith's /health on the port it exposes", () => {
    const env = instructions().find((l) => l.startsWith("ENV HEALTHCHECK_URL="))!;
    const url = new URL(env.slice("ENV HEALTHCHECK_URL=".length));
    expect(url.pathname).to.equal("/health");
    const exposed = instructions()
      .find((l) => l.startsWith("EXPOSE "))!
      .split(/\s+/)
      .slice(1);
    expect(exposed).to.include(url.port);
    // The port every config made for a container listens on (generate-config's default).
    expect(validateConfig({ server_name: "x" }).http.listen.endsWith(`:${url.port}`)).to.equal(true);
  });

  describe("HEALTHCHECK command", () => {
    let server: Server;
    let status = 200;
    before(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === "/health" ? status : 404, { "content-type": "application/json" });
        res.end("{}");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    after(() => server.close());
    const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;

    it("succeeds when /health answers 200, fails on 503 and when nothing listens", async () => {
      status = 200;
      expect(await runHealthCheck(url())).to.equal(0);
      status = 503;
      expect(await runHealthCheck(url())).to.equal(1);
      expect(await runHealthCheck("http://127.0.0.1:1/health")).to.equal(1);
    });
  });
});
