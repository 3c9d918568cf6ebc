/**
 * The configuration file's shape: every key, its type, its default and what it means.
 * Loading, validation, environment overrides and `generate-config` are all driven by
 * this one table, so a new key is added here and nowhere else.
 */
import { DEFAULT_ROOM_VERSION } from "../../protocol/index.js";

export type LeafKind =
  "string" | "int" | "bool" | "address" | "url" | "level" | "server_name" | "path" | "address_ranges" | "room_version" | "key_servers";

export interface Leaf {
  readonly kind: LeafKind;
  /** null means "not set", allowed only when nullable. */
  readonly default: string | number | boolean | readonly string[] | null;
  readonly nullable?: boolean;
  readonly doc: string;
}

export interface Section {
  readonly [key: string]: Leaf | Section;
}

export function isLeaf(node: Leaf | Section): node is Leaf {
  return typeof (node as Leaf).kind === "string" && "doc" in node;
}

const leaf = (kind: LeafKind, def: Leaf["default"], doc: string, nullable = false): Leaf => ({
  kind,
  default: def,
  nullable,
  doc,
});

/** Addresses each component listens on when run as its own process (the polylith). */
function componentAddresses(grpcPort: number, httpPort: number | null, metricsPort: number | null): Section {
  const section: Record<string, Leaf> = {
    grpc_listen: leaf("address", `127.0.0.1:${grpcPort}`, "gRPC listener of this component; the others dial it here"),
  };
  if (httpPort !== null) {
    section.http_listen = leaf("address", `127.0.0.1:${httpPort}`, "HTTP listener of this component's Matrix APIs");
  }
  // A component without an HTTP listener still serves its metrics, on a listener of their own.
  section.metrics_listen = leaf(
    "address",
    metricsPort === null ? null : `127.0.0.1:${metricsPort}`,
    httpPort === null
      ? "HTTP listener serving only this component's metrics (metrics.path) when run as its own process"
      : "HTTP listener serving only this component's metrics when run as its own process; unset: on http_listen",
    true,
  );
  return section;
}

export const CONFIG_SCHEMA: Section = {
  server_name: leaf("server_name", null, "the Matrix server name: the part after ':' in user IDs (may carry a port)"),
  data_dir: leaf("path", "./data", "folder for the embedded database, media and other local files"),
  signing_key_path: leaf("path", "./data/signing.key", "ed25519 signing key in Synapse's format; created if missing"),
  public_base_url: leaf(
    "url",
    null,
    "the base URL clients reach this server at (well-known, login); defaults to the HTTP listener's URL",
    true,
  ),
  http: {
    listen: leaf("address", "127.0.0.1:8008", "HTTP listener serving client, federation, key and media APIs"),
    https_listen: leaf("address", null, "optional HTTPS listener serving the same APIs", true),
    tls_cert: leaf("path", null, "PEM certificate chain for https_listen", true),
    tls_key: leaf("path", null, "PEM private key for https_listen", true),
    max_json_body_bytes: leaf("int", 1048576, "largest JSON request body accepted; larger gets 413 M_TOO_LARGE"),
    trusted_proxies: leaf(
      "address_ranges",
      [],
      "reverse proxies (IP addresses or CIDR ranges) whose X-Forwarded-For is believed; empty: the client is whoever connects",
    ),
    max_connections_per_address: leaf(
      "int",
      100,
      "open connections one client address may hold; more are closed at once (trusted proxies are exempt; 0: no cap)",
    ),
    timeouts: {
      headers_ms: leaf(
        "int",
        20000,
        "a request's line and headers must arrive within this; also closes a connection that sends nothing (0: no limit)",
      ),
      request_ms: leaf("int", 60000, "the whole request, body included, must arrive within this: cuts a body sent slowly (0: no limit)"),
      keep_alive_ms: leaf("int", 75000, "how long a connection may wait idle for its next request"),
    },
  },
  grpc: {
    listen: leaf("address", "127.0.0.1:7770", "gRPC listener of the monolith (health, reflection, component APIs)"),
    secret_path: leaf(
      "path",
      "./data/grpc.secret",
      "shared secret every gRPC call between components carries; the monolith creates it if missing, the processes of a polylith must all read the same one",
    ),
  },
  database: {
    postgres: leaf("url", null, "PostgreSQL URL; when unset, the embedded PGlite database in data_dir is used", true),
    max_connections: leaf("int", 10, "size of the PostgreSQL connection pool"),
    embedded_fsync: leaf(
      "bool",
      true,
      "embedded database only: each commit reaches the disk (fsync) before it is acknowledged; false is faster, " +
        "but a power loss or OS crash may then lose acknowledged events or corrupt the database",
    ),
    embedded_cache_mb: leaf(
      "int",
      16,
      "embedded database only: its page cache (PostgreSQL's shared_buffers) in MB, resident memory once filled; " +
        "a small server's working set fits the default, a large one's reads stay fast with more (pages missed are read from the OS's cache)",
    ),
  },
  event_log: {
    nats: leaf("url", null, "NATS URL; when unset, the in-process log persisted in the database is used", true),
    stream_prefix: leaf("string", "", "prefix of every stream and subject name, to share one NATS between servers"),
    max_delivery_attempts: leaf(
      "int",
      5,
      "failures of one log message, handled alone, after which its consumer records it as a dead letter (table eventlog_dead_letters) and skips it",
    ),
  },
  registration: {
    open: leaf("bool", false, "allow anyone to register with m.login.dummy, without verification"),
    shared_secret: leaf("string", null, "secret for Synapse-style shared-secret registration (admin tools)", true),
    guests: leaf("bool", false, "allow guest accounts (POST /register?kind=guest), which need no credentials"),
  },
  rooms: {
    default_version: leaf(
      "room_version",
      DEFAULT_ROOM_VERSION,
      "room version of new rooms whose request names none (the spec recommends 12)",
    ),
  },
  media: {
    base_path: leaf("path", null, "folder of the media repository's files (content-addressed); unset: data_dir/media", true),
    max_upload_bytes: leaf("int", 52428800, "largest media upload accepted; larger gets 413 M_TOO_LARGE (default 50 MiB)"),
  },
  rate_limit: {
    enabled: leaf("bool", true, "limit requests per user and per IP (429 M_LIMIT_EXCEEDED)"),
  },
  metrics: {
    enabled: leaf("bool", true, "serve Prometheus metrics (metrics.path) on every process"),
    path: leaf("string", "/metrics", "the path metrics are served at"),
    listen: leaf(
      "address",
      null,
      "the monolith's own HTTP listener for metrics only (e.g. one Prometheus reaches and clients do not); unset: on http.listen",
      true,
    ),
  },
  federation: {
    key_validity_ms: leaf(
      "int",
      7 * 24 * 3_600_000,
      "how far ahead of now the valid_until_ts of our published signing key lies (other servers cap it at 7 days)",
    ),
    old_verify_keys_path: leaf(
      "path",
      "./data/old_verify_keys",
      "retired signing keys published as old_verify_keys (written by `dendrite-ts rotate-signing-key`); a missing file means none",
    ),
    trusted_key_servers: leaf(
      "key_servers",
      [],
      "notaries asked for other servers' keys when they cannot be fetched directly: \"name ed25519:ver base64key\" each (the notary's own key is required)",
    ),
    allow_private_destinations: leaf(
      "bool",
      false,
      "allow federation requests to loopback, private and link-local addresses (tests and local clusters); off: refused",
    ),
    tls_ca_path: leaf(
      "path",
      null,
      "PEM file of CA certificates trusted for outbound federation besides the system's (e.g. a private CA of a test cluster)",
      true,
    ),
    well_known_server: leaf(
      "server_name",
      null,
      "served as m.server at /.well-known/matrix/server (delegation: where other servers reach this one, e.g. matrix.example.org:443); unset: 404",
      true,
    ),
    request_timeout_ms: leaf("int", 30000, "an outbound federation request (key fetches included) fails after this"),
  },
  logging: {
    level: leaf("level", "info", "one of fatal, error, warn, info, debug, trace, silent"),
  },
  components: {
    roomserver: componentAddresses(7771, null, 9771),
    userapi: componentAddresses(7772, null, 9772),
    clientapi: componentAddresses(7773, 8071, null),
    syncapi: componentAddresses(7774, 8072, null),
    federationapi: componentAddresses(7775, 8073, null),
    mediaapi: componentAddresses(7776, 8074, null),
  },
};
