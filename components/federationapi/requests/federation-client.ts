import { resolveSrv } from "node:dns/promises";
import {
  resolveServerName,
  WellKnownResolver,
  type DiscoveryLookups,
  type ResolvedServer,
  type SrvRecord,
  type WellKnownResponse,
} from "../../protocol/index.js";
import type { HttpsClient } from "./https-client.js";
import { type HttpsResponse } from "./https-client.js";

/** The largest `.well-known/matrix/server` body read (Synapse reads 50 KiB). */
const WELL_KNOWN_MAX_BYTES = 50 * 1024;
const WELL_KNOWN_MAX_REDIRECTS = 5;

export class FederationRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Requests to other servers by server name: discovery (well-known with its cache, SRV
 * `_matrix-fed._tcp`, port 8448) picks where to connect, each target tried in turn until
 * one answers. Signing requests (X-Matrix) is built on this; the key endpoints need none.
 */
export class FederationClient {
  private readonly lookups: DiscoveryLookups;

  constructor(
    private readonly https: HttpsClient,
    lookups?: DiscoveryLookups,
  ) {
    const wellKnown = new WellKnownResolver({ fetch: (hostname) => this.fetchWellKnown(hostname) });
    this.lookups = lookups ?? { wellKnown: (hostname) => wellKnown.lookup(hostname), srv: lookupSrv };
  }

  resolve(serverName: string): Promise<ResolvedServer> {
    return resolveServerName(serverName, this.lookups);
  }

  /** Sends a request and parses a JSON answer; a non-2xx status is a FederationRequestError with the status. */
  async requestJson(
    serverName: string,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<unknown> {
    const resolved = await this.resolve(serverName);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let lastError: unknown;
    for (const target of resolved.targets) {
      let res: HttpsResponse;
      try {
        res = await this.https.request(
          { ...target, hostHeader: resolved.hostHeader, certificateName: resolved.certificateName, sni: resolved.sni },
          method,
          path,
          options.headers,
          body,
        );
      } catch (e) {
        lastError = e;
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        throw new FederationRequestError(`${method} ${path} on ${serverName}: HTTP ${res.status} ${res.body.slice(0, 200)}`, res.status);
      }
      try {
        return JSON.parse(res.body) as unknown;
      } catch {
        throw new FederationRequestError(`${method} ${path} on ${serverName}: the answer is not JSON`, res.status);
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new FederationRequestError(`${method} ${path} on ${serverName}: no target answered (${reason})`);
  }

  /** `GET https://<hostname>/.well-known/matrix/server`, following redirects to other HTTPS URLs. */
  private async fetchWellKnown(hostname: string): Promise<WellKnownResponse> {
    let url = new URL(`https://${hostname}/.well-known/matrix/server`);
    for (let hop = 0; hop <= WELL_KNOWN_MAX_REDIRECTS; hop++) {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      const res = await this.https.request(
        { host, port: url.port === "" ? 443 : Number(url.port), hostHeader: url.host, certificateName: host, sni: host },
        "GET",
        `${url.pathname}${url.search}`,
      );
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && location !== undefined) {
        url = new URL(location, url);
        if (url.protocol !== "https:") throw new Error(`well-known of ${hostname} redirects to a non-HTTPS URL`);
        continue;
      }
      if (Buffer.byteLength(res.body) > WELL_KNOWN_MAX_BYTES) return { status: res.status, headers: res.headers, body: "" };
      return res;
    }
    throw new Error(`well-known of ${hostname} redirects more than ${WELL_KNOWN_MAX_REDIRECTS} times`);
  }
}

async function lookupSrv(name: string): Promise<SrvRecord[]> {
  try {
    return await resolveSrv(name);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // No such name or no SRV data: the spec's "no record"; other failures propagate.
    if (code === "ENOTFOUND" || code === "ENODATA") return [];
    throw e;
  }
}
