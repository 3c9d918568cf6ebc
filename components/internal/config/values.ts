import { LOG_LEVELS } from "../logging/logger.js";
import { isValidServerName } from "../../protocol/ids/grammar.js";
import { ROOM_VERSIONS } from "../../protocol/roomversions.js";
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
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? null
        : `expected a non-negative integer, got ${describe(value)}`;
    case "bool":
      return typeof value === "boolean" ? null : `expected true or false, got ${describe(value)}`;
    case "level":
      return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value)
        ? null
        : `expected one of ${LOG_LEVELS.join(", ")}, got ${describe(value)}`;
    case "address":
      return typeof value === "string" && parseListenAddress(value) !== null
        ? null
        : `expected HOST:PORT, got ${describe(value)}`;
    case "url":
      return typeof value === "string" && isUrl(value) ? null : `expected a URL, got ${describe(value)}`;
    case "server_name":
      return typeof value === "string" && isValidServerName(value)
        ? null
        : `expected a server name (host name, IPv4 or [IPv6], optional :port), got ${describe(value)}`;
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
