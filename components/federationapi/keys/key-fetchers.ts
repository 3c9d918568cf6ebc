import {
  isJsonObject,
  notaryQueryBody,
  publicKeyObject,
  verifyNotaryResponse,
  verifyServerKeys,
  type JsonObject,
  type PublicKey,
  type ServerKey,
} from "../../protocol/index.js";
import type { FederationClient } from "../requests/federation-client.js";

export interface KeyQuery {
  readonly serverName: string;
  /** Undefined: any current key of the server (the notary's "all keys"). */
  readonly keyId?: string;
  /** The key must be valid until at least this (ms): the spec's minimum_valid_until_ts. */
  readonly minimumValidUntilTs: number;
}

/** What a fetch found, checked: the keys, and the server's signed responses they came from (a notary serves those on). */
export interface FetchedKeys {
  readonly keys: ServerKey[];
  /** Each a server keys object carrying its server's own valid signature. */
  readonly responses: JsonObject[];
}

/** A source of other servers' keys; what it returns has been checked (signatures, shape). */
export interface KeyFetcher {
  readonly name: string;
  fetch(query: KeyQuery, now: number): Promise<FetchedKeys>;
}

/** `GET /_matrix/key/v2/server` on the server itself; the answer must be self-signed. */
export class DirectKeyFetcher implements KeyFetcher {
  readonly name = "direct";

  constructor(private readonly client: FederationClient) {}

  async fetch(query: KeyQuery, now: number): Promise<FetchedKeys> {
    const json = await this.client.requestJson(query.serverName, "GET", "/_matrix/key/v2/server");
    const keys = verifyServerKeys(json, { serverName: query.serverName, fetchedAt: now });
    return { keys, responses: [json as JsonObject] };
  }
}

export interface TrustedNotary {
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
    private readonly notary: TrustedNotary,
  ) {
    this.name = `notary ${notary.serverName}`;
  }

  async fetch(query: KeyQuery, now: number): Promise<FetchedKeys> {
    const body = notaryQueryBody([query]);
    const json = await this.client.requestJson(this.notary.serverName, "POST", "/_matrix/key/v2/query", { body });
    const options = {
      notary: this.notary.serverName,
      notaryKeys: this.notary.keys,
      fetchedAt: now,
      requested: new Set([query.serverName]),
    };
    // Malformed as a whole: refused with the reason.
    verifyNotaryResponse(json, options);
    const keys: ServerKey[] = [];
    const responses: JsonObject[] = [];
    // Entry by entry, to keep each accepted entry's JSON; a refused one is left out, as verifyNotaryResponse does.
    for (const entry of (json as { server_keys: unknown[] }).server_keys) {
      const checked = verifyNotaryResponse({ server_keys: [entry] }, options).keys;
      if (checked.length === 0 || !isJsonObject(entry)) continue;
      keys.push(...checked);
      responses.push(entry);
    }
    return { keys, responses };
  }
}

/** A `federation.trusted_key_servers` entry as a Notary. */
export function notaryOf(entry: { serverName: string; keyId: string; publicKey: string }): TrustedNotary {
  return { serverName: entry.serverName, keys: new Map([[entry.keyId, publicKeyObject(entry.publicKey)]]) };
}
