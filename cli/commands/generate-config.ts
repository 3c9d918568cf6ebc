import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { renderConfig } from "../../components/internal/config/generate.js";
import { validateConfig } from "../../components/internal/config/load.js";
import { ConfigError } from "../../components/internal/config/errors.js";
import { createGrpcSecretFile } from "../grpc-secret.js";
import { loadOrCreateSigningKey } from "../signing-key.js";

export const GENERATE_CONFIG_USAGE = `dendrite-ts generate-config --server-name NAME [options] [-o FILE]

  --server-name NAME              Matrix server name (required; may carry a port, e.g. localhost:8480)
  --data-dir DIR                  data folder (default ./data)
  --http-listen HOST:PORT         HTTP listener for client, federation, key and media APIs (default 127.0.0.1:8008)
  --https-listen HOST:PORT        optional HTTPS listener serving the same APIs (needs --tls-cert, --tls-key)
  --tls-cert FILE, --tls-key FILE PEM certificate chain and key for --https-listen
  --public-base-url URL           base URL clients use (default: the HTTP listener's URL)
  --signing-key FILE              ed25519 key in Synapse's format (default DATA_DIR/signing.key; created if missing)
  --open-registration             anyone may register with m.login.dummy, without verification
  --guests                        allow guest accounts (POST /register?kind=guest; registration.guests)
  --registration-shared-secret S  secret for shared-secret registration (/_synapse/admin/v1/register)
  --no-rate-limit                 turn off rate limiting
  --grpc-listen HOST:PORT         gRPC listener of the monolith (default 127.0.0.1:7770)
  --grpc-secret FILE              shared secret of gRPC calls between components (default DATA_DIR/grpc.secret; created if missing)
  --postgres URL                  use PostgreSQL instead of the embedded database
  --nats URL                      use NATS JetStream instead of the in-process log
  -o, --output FILE               write the config there (and create the signing key and gRPC secret) instead of printing it`;

/** Turns generate-config's flags into config values (dotted keys); throws on a bad flag. */
export function configValuesFromFlags(argv: string[]): { values: Record<string, unknown>; output: string | undefined } {
  const { values: flags } = parseArgs({
    args: argv,
    strict: true,
    options: {
      "server-name": { type: "string" },
      "data-dir": { type: "string" },
      "http-listen": { type: "string" },
      "https-listen": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "public-base-url": { type: "string" },
      "signing-key": { type: "string" },
      "open-registration": { type: "boolean" },
      guests: { type: "boolean" },
      "registration-shared-secret": { type: "string" },
      "no-rate-limit": { type: "boolean" },
      "grpc-listen": { type: "string" },
      "grpc-secret": { type: "string" },
      postgres: { type: "string" },
      nats: { type: "string" },
      output: { type: "string", short: "o" },
    },
  });
  if (!flags["server-name"]) throw new ConfigError("server_name", "is required: pass --server-name NAME");
  const dataDir = flags["data-dir"] ?? "./data";
  const values: Record<string, unknown> = {
    server_name: flags["server-name"],
    data_dir: dataDir,
    signing_key_path: flags["signing-key"] ?? join(dataDir, "signing.key"),
    "grpc.secret_path": flags["grpc-secret"] ?? join(dataDir, "grpc.secret"),
    // Beside the signing key, in the data folder, not relative to wherever the server is started.
    "federation.old_verify_keys_path": join(dataDir, "old_verify_keys"),
  };
  const optional: Array<[string, unknown]> = [
    ["http.listen", flags["http-listen"]],
    ["http.https_listen", flags["https-listen"]],
    ["http.tls_cert", flags["tls-cert"]],
    ["http.tls_key", flags["tls-key"]],
    ["public_base_url", flags["public-base-url"]],
    ["registration.open", flags["open-registration"]],
    ["registration.guests", flags.guests],
    ["registration.shared_secret", flags["registration-shared-secret"]],
    ["rate_limit.enabled", flags["no-rate-limit"] ? false : undefined],
    ["grpc.listen", flags["grpc-listen"]],
    ["database.postgres", flags.postgres],
    ["event_log.nats", flags.nats],
  ];
  for (const [key, value] of optional) if (value !== undefined) values[key] = value;
  return { values, output: flags.output };
}

/** Renders the config and checks it exactly as start-up will, so a bad flag fails here. */
export function generateConfig(values: Record<string, unknown>): string {
  const text = renderConfig(values);
  validateConfig(parseYaml(text));
  return text;
}

export function runGenerateConfig(argv: string[]): number {
  const { values, output } = configValuesFromFlags(argv);
  const text = generateConfig(values);
  if (output === undefined) {
    process.stdout.write(text);
    return 0;
  }
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, text);
  const { created } = loadOrCreateSigningKey(values.signing_key_path as string);
  const secretPath = values["grpc.secret_path"] as string;
  const made = [
    created && `a new signing key at ${values.signing_key_path}`,
    createGrpcSecretFile(secretPath) && `a new gRPC secret at ${secretPath}`,
  ];
  process.stderr.write(
    `wrote ${output}${made
      .filter(Boolean)
      .map((m) => ` and ${m}`)
      .join("")}\n`,
  );
  return 0;
}
