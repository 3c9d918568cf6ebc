/**
 * Server discovery: from a server name to where to connect and what to present there
 * (spec: server-server API, "Resolving server names", steps 1-6). Lookups are injected:
 * this module decides, the caller does the DNS and HTTP.
 */
import { ProtocolError } from "../errors.js";
import { isValidServerName, parseServerName, type ServerName } from "../ids/grammar.js";

export const DEFAULT_FEDERATION_PORT = 8448;

export interface SrvRecord {
  /** Target host name; a trailing dot is allowed. "." means "no service here". */
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

export interface DiscoveryLookups {
  /**
   * The delegated server name from `https://<hostname>/.well-known/matrix/server`, or
   * undefined when there is none or it is invalid (see WellKnownResolver, which also
   * caches as the spec recommends).
   */
  wellKnown(hostname: string): Promise<string | undefined>;
  /**
   * SRV records for a name such as `_matrix-fed._tcp.example.org`: [] when there are none
   * (NXDOMAIN / no data). Should throw on other DNS failures, so a flaky resolver does not
   * silently send us to port 8448 of the wrong host.
   */
  srv(name: string): Promise<SrvRecord[]>;
  /** In [0, 1), for RFC 2782 weighted ordering; injected for deterministic tests. */
  random?: () => number;
}

export interface ConnectTarget {
  /** A DNS name (resolve with AAAA/A; CNAMEs allowed) or a bare IP literal (no brackets). */
  readonly host: string;
  readonly port: number;
}

/** Which step of the spec's algorithm produced the answer. */
export type DiscoveryStep =
  | "ip-literal" // 1
  | "explicit-port" // 2
  | "well-known-ip-literal" // 3.1
  | "well-known-explicit-port" // 3.2
  | "well-known-srv" // 3.3
  | "well-known-srv-legacy" // 3.4 (deprecated _matrix._tcp)
  | "well-known-default-port" // 3.5
  | "srv" // 4
  | "srv-legacy" // 5 (deprecated _matrix._tcp)
  | "default-port"; // 6

export interface ResolvedServer {
  /** The server name asked about; request signing keeps using it whatever the delegation. */
  readonly serverName: string;
  /** Where to connect, in order of preference (several only from SRV). */
  readonly targets: readonly ConnectTarget[];
  /** The HTTP `Host` header. */
  readonly hostHeader: string;
  /** The DNS name or bare IP the server's certificate must be valid for. */
  readonly certificateName: string;
  /** The TLS SNI to send; undefined when the certificate is for an IP (spec: no SNI then). */
  readonly sni: string | undefined;
  readonly step: DiscoveryStep;
}

const bareHost = (n: ServerName): string => (n.kind === "ipv6" ? n.host.slice(1, -1) : n.host);

/**
 * Runs the spec's algorithm. Throws ProtocolError BAD_ID for an invalid server name and
 * DISCOVERY when the records say there is no server; errors of the injected lookups
 * (DNS or network failures) propagate as they are.
 */
export async function resolveServerName(serverName: string, lookups: DiscoveryLookups): Promise<ResolvedServer> {
  const name = parseServerName(serverName);
  const host = bareHost(name);

  // 1. IP literal: connect there; Host is the server name as given.
  if (name.kind !== "dns") {
    return direct(serverName, host, name.port ?? DEFAULT_FEDERATION_PORT, serverName, true, "ip-literal");
  }
  // 2. Explicit port: no delegation is looked for.
  if (name.port !== undefined) {
    return direct(serverName, host, name.port, serverName, false, "explicit-port");
  }

  // 3. .well-known delegation.
  const delegatedName = await lookups.wellKnown(host);
  // An invalid delegation counts as none (spec: skip to step 4); WellKnownResolver already
  // filters these, this guards other lookups.
  if (delegatedName !== undefined && isValidServerName(delegatedName)) {
    const delegated = parseServerName(delegatedName);
    const dHost = bareHost(delegated);
    // 3.1 IP literal: Host is the IP, with the port if one was given.
    if (delegated.kind !== "dns") {
      const port = delegated.port ?? DEFAULT_FEDERATION_PORT;
      return direct(serverName, dHost, port, delegatedName, true, "well-known-ip-literal");
    }
    // 3.2 hostname with port.
    if (delegated.port !== undefined) {
      return direct(serverName, dHost, delegated.port, delegatedName, false, "well-known-explicit-port");
    }
    // 3.3-3.5: SRV on the delegated host, then 8448; Host and certificate are the delegated host.
    return viaSrv(serverName, dHost, lookups, ["well-known-srv", "well-known-srv-legacy", "well-known-default-port"]);
  }

  // 4-6: SRV on the original hostname, then 8448; Host and certificate stay <hostname>,
  // because DNS alone cannot prove the SRV target may speak for it.
  return viaSrv(serverName, host, lookups, ["srv", "srv-legacy", "default-port"]);
}

function direct(serverName: string, host: string, port: number, hostHeader: string, isIp: boolean, step: DiscoveryStep): ResolvedServer {
  return { serverName, targets: [{ host, port }], hostHeader, certificateName: host, sni: isIp ? undefined : host, step };
}

async function viaSrv(
  serverName: string,
  hostname: string,
  lookups: DiscoveryLookups,
  [fedStep, legacyStep, defaultStep]: [DiscoveryStep, DiscoveryStep, DiscoveryStep],
): Promise<ResolvedServer> {
  const result = (targets: ConnectTarget[], step: DiscoveryStep): ResolvedServer => ({
    serverName,
    targets,
    hostHeader: hostname,
    certificateName: hostname,
    sni: hostname,
    step,
  });
  const random = lookups.random ?? Math.random;

  const fed = await lookups.srv(`_matrix-fed._tcp.${hostname}`);
  if (fed.length > 0) return result(orderSrv(fed, `_matrix-fed._tcp.${hostname}`, random), fedStep);
  // Deprecated, only when no _matrix-fed record exists.
  const legacy = await lookups.srv(`_matrix._tcp.${hostname}`);
  if (legacy.length > 0) return result(orderSrv(legacy, `_matrix._tcp.${hostname}`, random), legacyStep);
  return result([{ host: hostname, port: DEFAULT_FEDERATION_PORT }], defaultStep);
}

/**
 * RFC 2782 order: lowest priority first; within a priority, a weighted random draw
 * (zero weights first so they keep a small chance). A lone "." target means the
 * service is decidedly unavailable at that name.
 */
export function orderSrv(records: readonly SrvRecord[], service: string, random: () => number): ConnectTarget[] {
  const usable = records.map((r) => ({ ...r, name: r.name.replace(/\.$/, "") })).filter((r) => r.name !== "");
  if (usable.length === 0) throw new ProtocolError("DISCOVERY", `SRV ${service} says the service is not available`);

  const out: ConnectTarget[] = [];
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  for (const p of priorities) {
    const group = usable.filter((r) => r.priority === p).sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (group.length > 0) {
      // RFC 2782: a whole number in [0, total], then the first record whose running sum reaches it.
      const total = group.reduce((s, r) => s + r.weight, 0);
      const draw = Math.floor(random() * (total + 1));
      let running = 0;
      let pick = group.length - 1;
      for (let i = 0; i < group.length; i++) {
        running += group[i]!.weight;
        if (running >= draw) {
          pick = i;
          break;
        }
      }
      const [r] = group.splice(pick, 1);
      out.push({ host: r!.name, port: r!.port });
    }
  }
  return out;
}
