/**
 * The little ID grammar the auth rules need (user IDs in power levels and
 * additional_creators, domains of senders and room IDs). Kept local so the auth rules do
 * not depend on the ids/ module being written concurrently; the checks are the spec's
 * (appendices: "User Identifiers", "Server Name") but lenient on historical localparts,
 * as the auth rules must accept user IDs that exist in old rooms.
 */

const MAX_USER_ID_BYTES = 255;

/** Everything after the first colon: the server name of a user, room (v1-v11) or event (v1-v2) ID. */
export function domainOf(id: string): string | undefined {
  const i = id.indexOf(":");
  return i < 0 ? undefined : id.slice(i + 1);
}

const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

/** server_name = hostname [ ":" port ], hostname = IPv4 / "[" IPv6 "]" / DNS name. */
export function isValidServerName(name: string): boolean {
  let host = name;
  const portMatch = /^(.*):(\d{1,5})$/.exec(name);
  if (portMatch && !name.endsWith("]")) host = portMatch[1]!;
  if (host.startsWith("[")) return IPV6_LITERAL.test(host);
  if (IPV4.test(host)) return host.split(".").every((o) => Number(o) <= 255);
  return DNS_NAME.test(host);
}

/**
 * "@localpart:server_name", at most 255 bytes. Historical localparts may hold any printable
 * ASCII except ":", so only emptiness, controls, spaces and non-ASCII are refused.
 */
export function isValidUserId(id: unknown): id is string {
  if (typeof id !== "string" || !id.startsWith("@")) return false;
  if (Buffer.byteLength(id, "utf8") > MAX_USER_ID_BYTES) return false;
  const colon = id.indexOf(":");
  if (colon < 2) return false;
  const localpart = id.slice(1, colon);
  if (!/^[\x21-\x7e]+$/.test(localpart)) return false;
  return isValidServerName(id.slice(colon + 1));
}
