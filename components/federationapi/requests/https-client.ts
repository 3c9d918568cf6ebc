import { lookup } from "node:dns/promises";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { checkServerIdentity, rootCertificates, type PeerCertificate } from "node:tls";
import { isPrivateAddress } from "./private-addresses.js";

export interface HttpsTarget {
  /** A DNS name or an IP literal (no brackets). */
  readonly host: string;
  readonly port: number;
  /** The `Host` header. */
  readonly hostHeader: string;
  /** The name the certificate must be valid for. */
  readonly certificateName: string;
  /** TLS SNI; undefined for an IP literal. */
  readonly sni: string | undefined;
}

export interface HttpsResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined by ", ". */
  readonly headers: { readonly [name: string]: string | undefined };
  readonly body: string;
}

export interface HttpsClientOptions {
  /** PEM CA certificates trusted besides the system's (federation.tls_ca_path). */
  readonly ca?: string | Buffer;
  /** federation.allow_private_destinations */
  readonly allowPrivateDestinations: boolean;
  readonly timeoutMs: number;
  /** Bodies larger than this are cut off with an error (a notary's answer for many servers stays far below). */
  readonly maxBodyBytes?: number;
}

export class DestinationRefused extends Error {}

const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/**
 * One HTTPS request to one target. The host is resolved here and the connection goes to the
 * checked address, so a name cannot resolve to a public address for the check and a private
 * one for the connection. The certificate is checked against the discovery's certificate name.
 */
export class HttpsClient {
  private readonly ca: (string | Buffer)[] | undefined;

  constructor(private readonly options: HttpsClientOptions) {
    // Node's `ca` replaces the system's roots; an operator's private CA is meant to add to them.
    this.ca = options.ca === undefined ? undefined : [...rootCertificates, options.ca];
  }

  async request(
    target: HttpsTarget,
    method: string,
    path: string,
    headers: Record<string, string | string[]> = {},
    body?: string,
  ): Promise<HttpsResponse> {
    const addresses = await this.checkedAddresses(target.host);
    let lastError: unknown;
    for (const address of addresses) {
      try {
        return await this.requestAt(address, target, method, path, headers, body);
      } catch (e) {
        lastError = e;
        // Only a connection that never opened moves on to the next address (a name may have an
        // IPv6 and an IPv4 one); a request that reached the server is not sent twice.
        if (!CONNECT_ERRORS.has((e as { code?: string }).code ?? "")) throw e;
      }
    }
    throw lastError;
  }

  private requestAt(
    address: string,
    target: HttpsTarget,
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
    body: string | undefined,
  ): Promise<HttpsResponse> {
    const maxBody = this.options.maxBodyBytes ?? 8 * 1024 * 1024;
    return new Promise<HttpsResponse>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: address,
          port: target.port,
          method,
          path,
          servername: target.sni,
          ca: this.ca,
          checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(target.certificateName, cert),
          headers: {
            host: target.hostHeader,
            ...(body === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }),
            ...headers,
          },
          timeout: this.options.timeoutMs,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBody) {
              req.destroy(new Error(`response from ${target.hostHeader} is larger than ${maxBody} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("error", reject);
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
            }
            resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
          });
        },
      );
      // The whole exchange, not only idle gaps, is bounded: a server trickling bytes cannot hold a fetch.
      const timer = setTimeout(() => req.destroy(new Error(`${method} ${target.hostHeader}${path} timed out`)), this.options.timeoutMs);
      req.on("close", () => clearTimeout(timer));
      req.on("timeout", () => req.destroy(new Error(`${method} ${target.hostHeader}${path} timed out`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  private async checkedAddresses(host: string): Promise<string[]> {
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    if (addresses.length === 0) throw new Error(`${host} has no address`);
    if (this.options.allowPrivateDestinations) return addresses;
    const allowed = addresses.filter((a) => !isPrivateAddress(a));
    if (allowed.length === 0) {
      throw new DestinationRefused(
        `${host} resolves only to loopback or private addresses (${addresses.join(", ")}); federation.allow_private_destinations is off`,
      );
    }
    return allowed;
  }
}
