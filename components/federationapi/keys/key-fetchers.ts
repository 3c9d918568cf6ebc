import {
  notaryQueryBody,
  publicKeyObject,
  verifyNotaryResponse,
  verifyServerKeys,
  type PublicKey,
  type ServerKey,
} from "../../protocol/index.js";
import type { FederationClient } from "../requests/federation-client.js";

export interface KeyQuery {
  readonly serverName: string;
  readonly keyId: string;
  /** The key must be valid until at least this (ms): the spec's minimum_valid_until_ts. */
  readonly minimumValidUntilTs: number;
}

/** A source of other servers' keys; what it returns has been checked (signatures, shape). */
export interface KeyFetcher {
  readonly name: string;
  fetch(query: KeyQuery, now: number): Promise<ServerKey[]>;
}

/** `GET /_matrix/key/v2/server` on the server itself; the answer must be self-signed. */
export class DirectKeyFetcher implements KeyFetcher {
  readonly name = "direct";

  constructor(private readonly client: FederationClient) {}

  async fetch(query: KeyQuery, now: number): Promise<ServerKey[]> {
    const json = await this.client.requestJson(query.serverName, "GET", "/_matrix/key/v2/server");
    return verifyServerKeys(json, { serverName: query.serverName, fetchedAt: now });
  }
}

export interface Notary {
  readonly serverName: string;
  /** The notary's keys we trust, by key ID (configured, never fetched: a fetched key proves nothing). */
  readonly keys: ReadonlyMap<string, PublicKey>;
}

/**
 * `POST /_matrix/key/v2/query` on a trusted notary: each entry must carry the origin's own
 * signature and the notary's, with a configured key.
 */
export class NotaryKeyFetcher implements KeyFetcher {
  readonly name: string;

  constructor(
    private readonly client: FederationClient,
    private readonly notary: Notary,
  ) {
    this.name = `notary ${notary.serverName}`;
  }

  async fetch(query: KeyQuery, now: number): Promise<ServerKey[]> {
    const body = notaryQueryBody([query]);
    const json = await this.client.requestJson(this.notary.serverName, "POST", "/_matrix/key/v2/query", { body });
    const { keys } = verifyNotaryResponse(json, {
      notary: this.notary.serverName,
      notaryKeys: this.notary.keys,
      fetchedAt: now,
      requested: new Set([query.serverName]),
    });
    return keys;
  }
}

/** A `federation.trusted_key_servers` entry as a Notary. */
export function notaryOf(entry: { serverName: string; keyId: string; publicKey: string }): Notary {
  return { serverName: entry.serverName, keys: new Map([[entry.keyId, publicKeyObject(entry.publicKey)]]) };
}
