import type { PublicKey } from "../../protocol/index.js";

/**
 * Where the roomserver gets the public keys that signed an event. The local server's key
 * is known; remote servers' keys come from the federation API once it exists.
 */
export interface KeyProvider {
  /** The key, or null when it is unknown (the event then cannot be verified). */
  verifyKey(serverName: string, keyId: string, eventTs: number): Promise<PublicKey | null>;
}
