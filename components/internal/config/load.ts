import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors.js";
import { CONFIG_SCHEMA, isLeaf, type Section } from "./schema.js";
import type { Config } from "./types.js";
import { checkValue, fromEnvironment, parseListenAddress } from "./values.js";

export const ENV_PREFIX = "DENDRITE_";

/** The environment variable that overrides a key: DENDRITE_ + the path in upper case. */
export function envName(path: readonly string[]): string {
  return ENV_PREFIX + path.join("_").toUpperCase();
}

/** Reads a YAML config file, applies environment overrides and validates the result. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(file, `cannot read the config file: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(file, `not valid YAML: ${(err as Error).message}`);
  }
  return validateConfig(raw ?? {}, env);
}

/**
 * Validates a parsed config against CONFIG_SCHEMA: unknown keys and bad values stop
 * start-up with the key's dotted path; missing keys take their defaults.
 */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): Config {
  const config = walk(CONFIG_SCHEMA, raw, [], env) as unknown as Config;
  if (config.http.https_listen !== null) {
    if (config.http.tls_cert === null) throw new ConfigError("http.tls_cert", "is required when http.https_listen is set");
    if (config.http.tls_key === null) throw new ConfigError("http.tls_key", "is required when http.https_listen is set");
  }
  const { headers_ms, request_ms } = config.http.timeouts;
  if (headers_ms > 0 && request_ms > 0 && headers_ms > request_ms) {
    throw new ConfigError(
      "http.timeouts.headers_ms",
      `must not exceed http.timeouts.request_ms (${request_ms}): the headers are part of the request`,
    );
  }
  if (!/^\/[^?#\s]*$/.test(config.metrics.path)) throw new ConfigError("metrics.path", "must be a path starting with /");
  if (config.public_base_url === null) config.public_base_url = defaultPublicBaseUrl(config.http.listen);
  config.public_base_url = config.public_base_url.replace(/\/+$/, "");
  return config;
}

function walk(schema: Section, raw: unknown, path: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const where = path.length ? path.join(".") : "(top level)";
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    throw new ConfigError(where, "expected a mapping of keys to values");
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in schema)) throw new ConfigError([...path, key].join("."), "unknown key");
  }
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) {
    const keyPath = [...path, key];
    if (!isLeaf(node)) {
      out[key] = walk(node, given[key], keyPath, env);
      continue;
    }
    const fromEnv = env[envName(keyPath)];
    let value = fromEnv !== undefined ? fromEnvironment(node, fromEnv) : given[key];
    if (value === undefined) value = node.default;
    const problem = checkValue(node, value);
    if (problem) {
      const source = fromEnv !== undefined ? ` (from ${envName(keyPath)})` : "";
      throw new ConfigError(keyPath.join(".") + source, problem);
    }
    // A list is copied, so no two configs share the schema's default.
    out[key] = Array.isArray(value) ? [...(value as unknown[])] : (value ?? null);
  }
  return out;
}

/** The HTTP listener's own URL; a wildcard bind address is reached as localhost. */
export function defaultPublicBaseUrl(listen: string): string {
  const address = parseListenAddress(listen)!;
  const wildcard = address.host === "0.0.0.0" || address.host === "::";
  const host = wildcard ? "localhost" : address.host.includes(":") ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}
