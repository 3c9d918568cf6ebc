import { BlockList, isIP } from "node:net";
import { parseAddressRange } from "../config/values.js";

/** "::ffff:10.0.0.1" (an IPv4 client of a dual-stack listener) is "10.0.0.1". */
export function normaliseAddress(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The reverse proxies whose `X-Forwarded-For` is believed (`http.trusted_proxies`). Anyone
 * can send the header, so it says who the client is only when the connection comes from a
 * proxy we run; with none configured (the default) the client is whoever connects.
 */
export class TrustedProxies {
  private readonly ranges = new BlockList();
  readonly empty: boolean;

  /** `ranges` are IP addresses or CIDR ranges, already checked by the config. */
  constructor(ranges: readonly string[]) {
    for (const text of ranges) {
      const range = parseAddressRange(text);
      if (!range) throw new Error(`not an IP address or CIDR range: ${text}`);
      this.ranges.addSubnet(normaliseAddress(range.address), range.prefix, range.family);
    }
    this.empty = ranges.length === 0;
  }

  has(address: string): boolean {
    if (this.empty) return false;
    const normal = normaliseAddress(address);
    const version = isIP(normal);
    return version !== 0 && this.ranges.check(normal, version === 4 ? "ipv4" : "ipv6");
  }

  /**
   * The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
   * address in `X-Forwarded-For` (read from the right, as each proxy appends the address
   * it was reached from) that is not a trusted proxy itself. Entries left of it are
   * whatever the client chose to send and are never believed.
   */
  clientAddress(peer: string, forwardedFor: string | string[] | undefined): string {
    let client = normaliseAddress(peer);
    if (!this.has(client) || forwardedFor === undefined) return client;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((hop) => hop.trim());
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normaliseAddress(hops[i]!);
      // Garbage in the header ends the walk: the last trusted hop is the best we know.
      if (isIP(hop) === 0) break;
      client = hop;
      if (!this.has(hop)) break;
    }
    return client;
  }
}
