import { isValidServerName, type JsonObject } from "../../protocol/index.js";
import type { KeyQuery } from "./key-fetchers.js";
import type { KeyRing } from "./key-ring.js";
import type { OwnKeys } from "./own-keys.js";

/** At most this many servers per query: each may cost a fetch on the asker's behalf. */
export const MAX_SERVERS_PER_QUERY = 100;

/** One server asked about, with its criteria (one per key ID; one without a key ID for "all keys"). */
export interface NotaryQuery {
  readonly serverName: string;
  readonly criteria: readonly KeyQuery[];
}

/**
 * The notary: answers other servers' questions about a third server's keys with that
 * server's own signed keys object (stored, or fetched when it does not meet the criteria),
 * countersigned by us. Our own keys are answered from OwnKeys. Servers whose keys cannot
 * be had are left out, as the spec says.
 */
export class Notary {
  constructor(
    private readonly keyRing: KeyRing,
    private readonly ownKeys: OwnKeys,
  ) {}

  async query(queries: readonly NotaryQuery[]): Promise<{ server_keys: JsonObject[] }> {
    const answers = await Promise.all(
      queries.map(async ({ serverName, criteria }) => {
        if (!isValidServerName(serverName)) return null;
        if (serverName === this.ownKeys.serverName) return this.ownKeys.serverKeys();
        const signed = await this.keyRing.signedKeys(serverName, criteria);
        return signed === null ? null : this.ownKeys.countersign(signed);
      }),
    );
    return { server_keys: answers.filter((a): a is JsonObject => a !== null) };
  }
}
