import { isIP } from "node:net";
import { LOG_LEVELS } from "../logging/logger.js";
import { isValidServerName, ROOM_VERSIONS } from "../../protocol/index.js";
import type { Leaf } from "./schema.js";

/**
 * Checks one value against its leaf kind; returns the problem, or null when the value is
 * good. Values from the environment arrive as strings and are converted first.
 */
export function checkValue(leaf: Leaf, value: unknown): string | null {
  if (value === null || value === undefined) return leaf.nullable ? null : "is required";
  switch (leaf.kind) {
    case "string":
      return typeof value === "string" ? null : `expected a string, got ${describe(value)}`;
    case "path":
      return typeof value === "string" && value.length > 0 ? null : `expected a path, got ${describe(value)}`;
    case "int":
      return Number.isSafeInteger(value) && (value as number) >= 0 ? null : `expected a non-negative integer, got ${describe(value)}`;
    case "bool":
      return typeof value === "boolean" ? null : `expected true or false, got ${describe(value)}`;
    case "level":
      return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value)
        ? null
        : `expected one of ${LOG_LEVELS.join(", ")}, got ${describe(value)}`;
    case "address":
      return typeof value === "string" && parseListenAddress(value) !== null ? null : `expected HOST:PORT, got ${describe(value)}`;
    case "url":
      return typeof value === "string" && isUrl(value) ? null : `expected a URL, got ${describe(value)}`;
    case "server_name":
      return typeof value === "string" && isValidServerName(value)
        ? null
        : `expected a server name (host name, IPv4 or [IPv6], optional :port), got ${describe(value)}`;
    case "address_ranges": {
      if (!Array.isArray(value)) return `expected a list of IP addresses or CIDR ranges, got ${describe(value)}`;
      const bad = value.find((item) => typeof item !== "string" || parseAddressRange(item) === null);
      return bad === undefined ? null : `expected an IP address or CIDR range (10.0.0.0/8, ::1), got ${describe(bad)}`;
    }
    case "key_servers": {
      if (!Array.isArray(value)) return `expected a list of "name ed25519:version base64key", got ${describe(value)}`;
      const bad = value.find((item) => typeof item !== "string" || parseTrustedKeyServer(item) === null);
      return bad === undefined ? null : `expected "name ed25519:version base64key" (a notary and its key), got ${describe(bad)}`;
    }
    case "room_version":
      return typeof value === "string" && ROOM_VERSIONS.has(value)
        ? null
        : `expected a room version this server supports, as a string ("1" to "${[...ROOM_VERSIONS.keys()].at(-1)}"), got ${describe(value)}`;
  }
}

/** Converts an environment variable's text to the leaf's type; "" clears a nullable key. */
export function fromEnvironment(leaf: Leaf, text: string): unknown {
  if (text === "" && leaf.nullable) return null;
  switch (leaf.kind) {
    case "int":
      return /^\d+$/.test(text) ? Number(text) : text;
    case "bool":
      if (["true", "1", "yes"].includes(text.toLowerCase())) return true;
      if (["false", "0", "no"].includes(text.toLowerCase())) return false;
      return text;
    case "address_ranges":
    case "key_servers":
      return text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    default:
      return text;
  }
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses "host:port", "[v6]:port"; the host may be a name or an IP literal. */
export function parseListenAddress(text: string): ListenAddress | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export interface AddressRange {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** Parses an IP address ("10.0.0.1", "::1") or a CIDR range ("10.0.0.0/8", "fd00::/8"). */
export function parseAddressRange(text: string): AddressRange | null {
  const [address = "", prefixText, ...rest] = text.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

function isUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

export interface TrustedKeyServer {
  readonly serverName: string;
  readonly keyId: string;
  /** Unpadded base64 of the notary's 32-byte ed25519 public key. */
  readonly publicKey: string;
}

/** Parses one `federation.trusted_key_servers` entry: "name ed25519:version base64key". */
export function parseTrustedKeyServer(text: string): TrustedKeyServer | null {
  const m = /^(\S+)\s+(ed25519:[A-Za-z0-9_]+)\s+([A-Za-z0-9+/]{43})=?$/.exec(text.trim());
  if (!m || !isValidServerName(m[1]!)) return null;
  return { serverName: m[1]!, keyId: m[2]!, publicKey: m[3]! };
}
