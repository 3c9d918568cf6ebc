/**
 * `/.well-known/matrix/server` delegation: parsing the response and caching the outcome
 * (spec: server-server API, "Resolving server names", step 3). The HTTP fetch is injected.
 */
import { isValidServerName } from "../ids/grammar.js";
import { TtlCache, type Clock } from "./ttl-cache.js";

const HOUR = 3_600_000;

/** The spec's recommendations, in milliseconds. */
export const WELL_KNOWN_DEFAULTS = {
  /** Used when the response carries no caching headers. */
  defaultTtlMs: 24 * HOUR,
  /** Upper bound whatever the headers say. */
  maxTtlMs: 48 * HOUR,
  /** An invalid answer (404, bad JSON, no m.server...) is cached for an hour. */
  invalidTtlMs: HOUR,
  /**
   * A failure that may be transient (no connection, 5xx) is cached for a short time that
   * doubles with each consecutive failure, up to invalidTtlMs: the spec's "exponentially
   * back off for repeated failures" without hiding a briefly broken server for an hour.
   */
  firstFailureTtlMs: 2 * 60_000,
  /** ±10 % on the default TTL so delegations learnt at startup do not all expire at once. */
  jitter: 0.1,
} as const;

/**
 * What the injected fetcher returns for `GET https://<hostname>/.well-known/matrix/server`
 * after following 30x redirects (avoiding loops) with normal certificate validation.
 * It should cap the body size (Synapse uses 50 KiB) and throw on network failure.
 */
export interface WellKnownResponse {
  readonly status: number;
  readonly body: string;
  /** Header names in lower case; only cache-control and expires are read. */
  readonly headers: { readonly [name: string]: string | undefined };
}
export type WellKnownFetcher = (hostname: string) => Promise<WellKnownResponse>;

export type WellKnownOutcome =
  { readonly ok: true; readonly server: string } | { readonly ok: false; readonly temporary: boolean; readonly reason: string };

/**
 * Reads `m.server` out of a response. The body is JSON whatever its Content-Type (spec),
 * and the delegated name must match the server-name grammar.
 */
export function parseWellKnownResponse(res: WellKnownResponse): WellKnownOutcome {
  if (res.status >= 500) return { ok: false, temporary: true, reason: `HTTP ${res.status}` };
  if (res.status !== 200) return { ok: false, temporary: false, reason: `HTTP ${res.status}` };
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return { ok: false, temporary: false, reason: "body is not JSON" };
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { ok: false, temporary: false, reason: "body is not a JSON object" };
  }
  const server = (body as { [k: string]: unknown })["m.server"];
  if (typeof server !== "string") return { ok: false, temporary: false, reason: "m.server is missing or not a string" };
  if (!isValidServerName(server)) {
    return { ok: false, temporary: false, reason: `m.server ${JSON.stringify(server)} is not a valid server name` };
  }
  return { ok: true, server };
}

/**
 * How long the response's headers allow it to be cached, in ms, or undefined if they
 * say nothing. `no-store`/`no-cache` mean 0; `max-age` wins over `Expires` (RFC 9111);
 * an unparseable `Expires` means already expired (RFC 9111 section 5.3).
 */
export function cacheTtlFromHeaders(headers: WellKnownResponse["headers"], now: number): number | undefined {
  const directives = new Map<string, string | undefined>();
  for (const part of (headers["cache-control"] ?? "").split(",")) {
    const [k, v] = part.split("=", 2) as [string, string | undefined];
    const name = k.trim().toLowerCase();
    if (name !== "") directives.set(name, v?.trim().replace(/^"|"$/g, ""));
  }
  if (directives.has("no-store") || directives.has("no-cache")) return 0;
  const maxAge = directives.get("max-age");
  if (maxAge !== undefined && /^[0-9]+$/.test(maxAge)) return Number(maxAge) * 1000;
  const expires = headers["expires"];
  if (expires !== undefined) {
    const at = Date.parse(expires);
    return Number.isNaN(at) ? 0 : Math.max(0, at - now);
  }
  return undefined;
}

export interface WellKnownResolverOptions {
  readonly fetch: WellKnownFetcher;
  readonly now?: Clock;
  /** In [0, 1); injected so jitter is deterministic in tests. */
  readonly random?: () => number;
  readonly maxEntries?: number;
  readonly ttl?: Partial<typeof WELL_KNOWN_DEFAULTS>;
}

/**
 * Looks up delegations with the spec's caching: successes per the response's cache
 * headers (default 24 h, at most 48 h), failures for up to an hour with exponential
 * back-off. Concurrent lookups of one hostname share a single fetch.
 */
export class WellKnownResolver {
  /** hostname → delegated server name, or null for "no valid delegation". */
  private readonly cache: TtlCache<string, string | null>;
  /** hostname → consecutive transient failures, remembered past their cache entry. */
  private readonly failures: TtlCache<string, number>;
  private readonly inFlight = new Map<string, Promise<string | undefined>>();
  private readonly fetch: WellKnownFetcher;
  private readonly now: Clock;
  private readonly random: () => number;
  private readonly ttl: typeof WELL_KNOWN_DEFAULTS;

  constructor(options: WellKnownResolverOptions) {
    this.fetch = options.fetch;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.ttl = { ...WELL_KNOWN_DEFAULTS, ...options.ttl };
    this.cache = new TtlCache({ now: this.now, maxEntries: options.maxEntries });
    this.failures = new TtlCache({ now: this.now, maxEntries: options.maxEntries });
  }

  /** The delegated server name for `hostname`, or undefined to skip to the SRV steps. */
  lookup(hostname: string): Promise<string | undefined> {
    const cached = this.cache.entry(hostname);
    if (cached !== undefined) return Promise.resolve(cached.value ?? undefined);
    let pending = this.inFlight.get(hostname);
    if (pending === undefined) {
      pending = this.fetchAndCache(hostname).finally(() => this.inFlight.delete(hostname));
      this.inFlight.set(hostname, pending);
    }
    return pending;
  }

  private async fetchAndCache(hostname: string): Promise<string | undefined> {
    let outcome: WellKnownOutcome;
    let headerTtl: number | undefined;
    try {
      const res = await this.fetch(hostname);
      outcome = parseWellKnownResponse(res);
      headerTtl = cacheTtlFromHeaders(res.headers, this.now());
    } catch (e) {
      outcome = { ok: false, temporary: true, reason: e instanceof Error ? e.message : String(e) };
    }

    if (outcome.ok) {
      this.failures.delete(hostname);
      const ttl =
        headerTtl === undefined
          ? this.ttl.defaultTtlMs * (1 + this.ttl.jitter * (2 * this.random() - 1))
          : Math.min(headerTtl, this.ttl.maxTtlMs);
      this.cache.set(hostname, outcome.server, ttl);
      return outcome.server;
    }

    let ttl: number = this.ttl.invalidTtlMs;
    if (outcome.temporary) {
      const n = (this.failures.get(hostname) ?? 0) + 1;
      // Outlives the error entry so the next failure knows it is a repeat.
      this.failures.set(hostname, n, 2 * this.ttl.invalidTtlMs);
      ttl = Math.min(this.ttl.invalidTtlMs, this.ttl.firstFailureTtlMs * 2 ** (n - 1));
    } else {
      this.failures.delete(hostname);
    }
    this.cache.set(hostname, null, ttl);
    return undefined;
  }
}
