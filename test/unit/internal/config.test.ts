import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../../components/internal/config/errors.js";
import { envName, validateConfig } from "../../../components/internal/config/load.js";
import { configValuesFromFlags, generateConfig } from "../../../cli/commands/generate-config.js";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("fills defaults around the one required key", () => {
    const config = validateConfig({ server_name: "example.org" });
    expect(config.http.listen).to.equal("127.0.0.1:8008");
    expect(config.grpc.listen).to.equal("127.0.0.1:7770");
    expect(config.database.postgres).to.equal(null);
    expect(config.event_log.nats).to.equal(null);
    expect(config.registration.open).to.equal(false);
    expect(config.rate_limit.enabled).to.equal(true);
    expect(config.public_base_url).to.equal("http://127.0.0.1:8008");
    expect(config.components.clientapi.http_listen).to.equal("127.0.0.1:8071");
    // Safe defaults: no proxy believed, timeouts and a connection cap on.
    expect(config.http.trusted_proxies).to.deep.equal([]);
    expect(config.http.timeouts).to.deep.equal({ headers_ms: 20000, request_ms: 60000, keep_alive_ms: 75000 });
    expect(config.http.max_connections_per_address).to.equal(100);
    expect(config.grpc.secret_path).to.equal("./data/grpc.secret");
  });

  it("takes trusted proxies as a list of addresses and CIDR ranges, from the file or a comma-separated variable", () => {
    const fromFile = validateConfig({ server_name: "a.b", http: { trusted_proxies: ["10.0.0.0/8", "::1", "fd00::/8", "192.0.2.1/32"] } });
    expect(fromFile.http.trusted_proxies).to.deep.equal(["10.0.0.0/8", "::1", "fd00::/8", "192.0.2.1/32"]);
    const fromEnv = validateConfig(
      { server_name: "a.b", http: { trusted_proxies: ["10.0.0.1"] } },
      { DENDRITE_HTTP_TRUSTED_PROXIES: " 127.0.0.1, 172.16.0.0/12 " },
    );
    expect(fromEnv.http.trusted_proxies).to.deep.equal(["127.0.0.1", "172.16.0.0/12"]);
    expect(validateConfig({ server_name: "a.b" }, { DENDRITE_HTTP_TRUSTED_PROXIES: "" }).http.trusted_proxies).to.deep.equal([]);
    // Each config has a list of its own.
    validateConfig({ server_name: "a.b" }).http.trusted_proxies.push("10.0.0.1");
    expect(validateConfig({ server_name: "a.b" }).http.trusted_proxies).to.deep.equal([]);
  });

  it("refuses a request timeout shorter than the headers timeout", () => {
    const err = configError(() => validateConfig({ server_name: "a.b", http: { timeouts: { headers_ms: 5000, request_ms: 1000 } } }));
    expect(err.key).to.equal("http.timeouts.headers_ms");
    expect(
      validateConfig({ server_name: "a.b", http: { timeouts: { headers_ms: 5000, request_ms: 0 } } }).http.timeouts.request_ms,
    ).to.equal(0);
  });

  it("makes the embedded database durable and new rooms v12 by default", () => {
    const config = validateConfig({ server_name: "a.b" });
    expect(config.database.embedded_fsync).to.equal(true);
    expect(config.rooms.default_version).to.equal("12");
  });

  it("takes the default room version from the file or the environment, as a string the server supports", () => {
    expect(validateConfig({ server_name: "a.b", rooms: { default_version: "10" } }).rooms.default_version).to.equal("10");
    expect(validateConfig({ server_name: "a.b" }, { DENDRITE_ROOMS_DEFAULT_VERSION: "11" }).rooms.default_version).to.equal("11");
    expect(configError(() => validateConfig({ server_name: "a.b", rooms: { default_version: 11 } })).message).to.contain(
      'as a string ("1" to "12")',
    );
  });

  it("derives the public base URL from a wildcard listener as localhost", () => {
    expect(validateConfig({ server_name: "a.b", http: { listen: "0.0.0.0:80" } }).public_base_url).to.equal("http://localhost:80");
    expect(validateConfig({ server_name: "a.b", public_base_url: "https://m.a.b/" }).public_base_url).to.equal("https://m.a.b");
  });

  const bad: Array<[string, unknown, string]> = [
    ["missing server name", {}, "server_name"],
    ["invalid server name", { server_name: "not a name" }, "server_name"],
    ["unknown key", { server_name: "a.b", htttp: {} }, "htttp"],
    ["unknown nested key", { server_name: "a.b", http: { lisen: "x" } }, "http.lisen"],
    ["bad address", { server_name: "a.b", http: { listen: "8008" } }, "http.listen"],
    ["port out of range", { server_name: "a.b", grpc: { listen: "127.0.0.1:70000" } }, "grpc.listen"],
    ["bad boolean", { server_name: "a.b", registration: { open: "yes please" } }, "registration.open"],
    ["bad level", { server_name: "a.b", logging: { level: "loud" } }, "logging.level"],
    ["bad url", { server_name: "a.b", database: { postgres: "not a url" } }, "database.postgres"],
    ["negative int", { server_name: "a.b", http: { max_json_body_bytes: -1 } }, "http.max_json_body_bytes"],
    ["unknown room version", { server_name: "a.b", rooms: { default_version: "13" } }, "rooms.default_version"],
    ["section not a mapping", { server_name: "a.b", http: 5 }, "http"],
    ["https without cert", { server_name: "a.b", http: { https_listen: "127.0.0.1:8448" } }, "http.tls_cert"],
    ["trusted proxies not a list", { server_name: "a.b", http: { trusted_proxies: "10.0.0.1" } }, "http.trusted_proxies"],
    ["trusted proxy not an address", { server_name: "a.b", http: { trusted_proxies: ["proxy.example"] } }, "http.trusted_proxies"],
    ["trusted proxy prefix too long", { server_name: "a.b", http: { trusted_proxies: ["10.0.0.0/33"] } }, "http.trusted_proxies"],
    ["negative timeout", { server_name: "a.b", http: { timeouts: { request_ms: -1 } } }, "http.timeouts.request_ms"],
  ];
  for (const [what, raw, key] of bad) {
    it(`names the key when a value is bad: ${what}`, () => {
      const err = configError(() => validateConfig(raw));
      expect(err.key.split(" ")[0]).to.equal(key);
      expect(err.message).to.match(new RegExp(`^config: ${key.replace(".", "\\.")}`));
    });
  }

  it("lets environment variables override any key", () => {
    const config = validateConfig(
      { server_name: "a.b" },
      {
        [envName(["http", "listen"])]: "0.0.0.0:9000",
        DENDRITE_REGISTRATION_OPEN: "true",
        DENDRITE_HTTP_MAX_JSON_BODY_BYTES: "1000",
        DENDRITE_EVENT_LOG_NATS: "nats://127.0.0.1:4222",
        DENDRITE_COMPONENTS_ROOMSERVER_GRPC_LISTEN: "0.0.0.0:7771",
      },
    );
    expect(config.http.listen).to.equal("0.0.0.0:9000");
    expect(config.registration.open).to.equal(true);
    expect(config.http.max_json_body_bytes).to.equal(1000);
    expect(config.event_log.nats).to.equal("nats://127.0.0.1:4222");
    expect(config.components.roomserver.grpc_listen).to.equal("0.0.0.0:7771");
  });

  it("names the environment variable when its value is bad", () => {
    const err = configError(() => validateConfig({ server_name: "a.b" }, { DENDRITE_HTTP_MAX_JSON_BODY_BYTES: "lots" }));
    expect(err.message).to.contain("http.max_json_body_bytes (from DENDRITE_HTTP_MAX_JSON_BODY_BYTES)");
  });

  it("clears a nullable key with an empty environment variable", () => {
    const config = validateConfig({ server_name: "a.b", database: { postgres: "postgres://x/y" } }, { DENDRITE_DATABASE_POSTGRES: "" });
    expect(config.database.postgres).to.equal(null);
  });
});

describe("generate-config", () => {
  it("turns every flag into its key and produces a config that validates", () => {
    const { values, output } = configValuesFromFlags([
      "--server-name",
      "localhost:8480",
      "--data-dir",
      "/var/lib/d",
      "--http-listen",
      "0.0.0.0:8480",
      "--https-listen",
      "0.0.0.0:8448",
      "--tls-cert",
      "/c.pem",
      "--tls-key",
      "/k.pem",
      "--open-registration",
      "--guests",
      "--registration-shared-secret",
      "s3cret",
      "--no-rate-limit",
      "--grpc-listen",
      "127.0.0.1:7000",
      "--grpc-secret",
      "/etc/d/grpc.secret",
      "--postgres",
      "postgres://u@h/db",
      "--nats",
      "nats://h:4222",
      "-o",
      "out.yaml",
    ]);
    expect(output).to.equal("out.yaml");
    const config = validateConfig(parseYaml(generateConfig(values)));
    expect(config.server_name).to.equal("localhost:8480");
    expect(config.data_dir).to.equal("/var/lib/d");
    expect(config.signing_key_path).to.equal("/var/lib/d/signing.key");
    expect(config.http).to.include({ listen: "0.0.0.0:8480", https_listen: "0.0.0.0:8448", tls_cert: "/c.pem", tls_key: "/k.pem" });
    expect(config.registration).to.deep.equal({ open: true, shared_secret: "s3cret", guests: true });
    expect(validateConfig(parseYaml(generateConfig(configValuesFromFlags(["--server-name", "a.b"]).values))).registration.guests).to.equal(
      false,
    );
    expect(config.rate_limit.enabled).to.equal(false);
    expect(config.grpc).to.deep.equal({ listen: "127.0.0.1:7000", secret_path: "/etc/d/grpc.secret" });
    expect(
      validateConfig(parseYaml(generateConfig(configValuesFromFlags(["--server-name", "a.b", "--data-dir", "/d"]).values))).grpc
        .secret_path,
    ).to.equal("/d/grpc.secret");
    expect(config.database.postgres).to.equal("postgres://u@h/db");
    expect(config.event_log.nats).to.equal("nats://h:4222");
  });

  it("documents each key in the generated file", () => {
    const text = generateConfig(configValuesFromFlags(["--server-name", "example.org"]).values);
    expect(text).to.contain("# the Matrix server name");
    expect(text).to.contain("server_name: example.org");
    expect(text).to.contain("DENDRITE_DATABASE_POSTGRES");
  });

  it("requires --server-name and checks it", () => {
    expect(configError(() => configValuesFromFlags([])).key).to.equal("server_name");
    expect(configError(() => generateConfig(configValuesFromFlags(["--server-name", "bad name"]).values)).key).to.equal("server_name");
    expect(() => configValuesFromFlags(["--server-name", "a.b", "--bogus"])).to.throw(/bogus/);
  });
});
