import type { Queryable } from "../../internal/database/database.js";
import { type PublicKey, type SigningKey, publicKeyObject } from "../../protocol/index.js";
import type { KeyProvider } from "../api/keys.js";
import { selectServerKey } from "../storage/server-keys.js";

/**
 * This server's own key, then the keys stored in roomserver_server_keys (vouched for by
 * an operator through import-room; federation will provide fetched keys). Unknown keys are
 * looked up again each time, since they may be added while the server runs.
 */
export class StoredKeyProvider implements KeyProvider {
  private readonly known = new Map<string, PublicKey>();

  constructor(
    private readonly db: Queryable,
    private readonly serverName: string,
    private readonly key: SigningKey,
  ) {}

  async verifyKey(serverName: string, keyId: string): Promise<PublicKey | null> {
    if (serverName === this.serverName && keyId === this.key.keyId) return publicKeyObject(this.key.publicKey);
    const cacheKey = `${serverName} ${keyId}`;
    const cached = this.known.get(cacheKey);
    if (cached) return cached;
    const stored = await selectServerKey(this.db, serverName, keyId);
    if (stored === null) return null;
    const key = publicKeyObject(stored);
    this.known.set(cacheKey, key);
    return key;
  }
}
