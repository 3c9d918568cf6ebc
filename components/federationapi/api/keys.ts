import type { PublicKey, RoomVersion } from "../../protocol/index.js";

/**
 * Other servers' signing keys as the rest of the server asks for them (the roomserver, to
 * check events' signatures; the federation routes, to check X-Matrix requests).
 */
export interface ServerKeyRing {
  /**
   * The key that may vouch for `serverName`'s signature on an event sent at `eventTs` in a
   * room of this version, or null: unknown, retired before the event, or (room v5+) valid
   * only until before it. Fetches and stores the key when needed.
   */
  keyForEvent(serverName: string, keyId: string, eventTs: number, roomVersion: RoomVersion): Promise<PublicKey | null>;
  /** The key that may sign an X-Matrix request now, or null. */
  keyForRequest(serverName: string, keyId: string): Promise<PublicKey | null>;
}

/** What the federationapi offers its in-process peers. */
export interface FederationApi {
  readonly keyRing: ServerKeyRing;
}
