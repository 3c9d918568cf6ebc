import { publicKeyObject, type SigningKey } from "../../protocol/crypto/keys.js";
import type { PublicKey } from "../../protocol/crypto/signing.js";
import type { KeyProvider } from "../api/keys.js";

/**
 * Keys of this server only. Events of other servers cannot be verified until the
 * federation API provides their keys (it will wrap this provider).
 */
export class LocalKeyProvider implements KeyProvider {
  constructor(
    private readonly serverName: string,
    private readonly key: SigningKey,
  ) {}

  async verifyKey(serverName: string, keyId: string): Promise<PublicKey | null> {
    return serverName === this.serverName && keyId === this.key.keyId ? publicKeyObject(this.key.publicKey) : null;
  }
}
