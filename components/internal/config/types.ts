import type { LevelWithSilent } from "pino";

export type ComponentName = "roomserver" | "userapi" | "clientapi" | "syncapi" | "federationapi" | "mediaapi";
export const COMPONENT_NAMES: readonly ComponentName[] = ["roomserver", "userapi", "clientapi", "syncapi", "federationapi", "mediaapi"];

export interface ComponentAddresses {
  grpc_listen: string;
  http_listen?: string;
  metrics_listen: string | null;
}

/** The validated configuration, as CONFIG_SCHEMA describes it. */
export interface Config {
  server_name: string;
  data_dir: string;
  signing_key_path: string;
  public_base_url: string | null;
  http: {
    listen: string;
    https_listen: string | null;
    tls_cert: string | null;
    tls_key: string | null;
    max_json_body_bytes: number;
    trusted_proxies: string[];
    max_connections_per_address: number;
    timeouts: { headers_ms: number; request_ms: number; keep_alive_ms: number };
  };
  grpc: { listen: string; secret_path: string };
  database: { postgres: string | null; max_connections: number; embedded_fsync: boolean; embedded_cache_mb: number };
  event_log: { nats: string | null; stream_prefix: string; max_delivery_attempts: number };
  registration: { open: boolean; shared_secret: string | null; guests: boolean };
  rooms: { default_version: string };
  media: { base_path: string | null; max_upload_bytes: number };
  rate_limit: { enabled: boolean };
  metrics: { enabled: boolean; path: string; listen: string | null };
  federation: {
    key_validity_ms: number;
    old_verify_keys_path: string;
    /** "name ed25519:ver base64key" each; see parseTrustedKeyServer. */
    trusted_key_servers: string[];
    allow_private_destinations: boolean;
    tls_ca_path: string | null;
    well_known_server: string | null;
    request_timeout_ms: number;
  };
  logging: { level: LevelWithSilent };
  components: Record<ComponentName, ComponentAddresses>;
}
