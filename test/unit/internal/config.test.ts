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
    expect(config.database.embedded_fsync).to.equal(true);
    expect(config.rooms.default_version).to.equal("12");
  });

  it("takes the default room version from the file or the environment, as a string the server supports", () => {
    expect(validateConfig({ server_name: "a.b", rooms: { default_version: "10" } }).rooms.default_version).to.equal("10");
    expect(validateConfig({ server_name: "a.b" }, { DENDRITE_ROOMS_DEFAULT_VERSION: "11" }).rooms.default_version).to.equal("11");
    expect(configError(() => validateConfig({ server_name: "a.b", rooms: { default_version: 11 } })).message).to.contain('as a string ("1" to "12")');
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
      "--server-name", "localhost:8480",
      "--data-dir", "/var/lib/d",
      "--http-listen", "0.0.0.0:8480",
      "--https-listen", "0.0.0.0:8448",
      "--tls-cert", "/c.pem",
      "--tls-key", "/k.pem",
      "--open-registration",
      "--registration-shared-secret", "s3cret",
      "--no-rate-limit",
      "--grpc-listen", "127.0.0.1:7000",
      "--postgres", "postgres://u@h/db",
      "--nats", "nats://h:4222",
      "-o", "out.yaml",
    ]);
    expect(output).to.equal("out.yaml");
    const config = validateConfig(parseYaml(generateConfig(values)));
    expect(config.server_name).to.equal("localhost:8480");
    expect(config.data_dir).to.equal("/var/lib/d");
    expect(config.signing_key_path).to.equal("/var/lib/d/signing.key");
    expect(config.http).to.include({ listen: "0.0.0.0:8480", https_listen: "0.0.0.0:8448", tls_cert: "/c.pem", tls_key: "/k.pem" });
    expect(config.registration).to.deep.equal({ open: true, shared_secret: "s3cret", guests: false });
    expect(config.rate_limit.enabled).to.equal(false);
    expect(config.grpc.listen).to.equal("127.0.0.1:7000");
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
