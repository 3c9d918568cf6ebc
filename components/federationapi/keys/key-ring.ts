import type { Database } from "../../internal/database/database.js";
import type { Logger } from "../../internal/logging/logger.js";
import {
  keyValidForEvent,
  keyValidForRequest,
  publicKeyObject,
  TtlCache,
  type OldVerifyKey,
  type PublicKey,
  type RoomVersion,
  type JsonObject,
  type ServerKey,
  type SigningKey,
  MAX_KEY_VALIDITY_MS,
} from "../../protocol/index.js";
import { selectServerKeyResponse, upsertServerKeyResponse } from "../storage/server-key-responses.js";
import { selectServerKey, upsertServerKeys } from "../storage/server-keys.js";
import type { KeyFetcher, KeyQuery } from "./key-fetchers.js";

export interface KeyRingOptions {
  readonly db: Database;
  readonly logger: Logger;
  readonly ownServerName: string;
  readonly ownSigningKey: SigningKey;
  readonly ownOldVerifyKeys: readonly OldVerifyKey[];
  /** Tried in order until one yields a key valid long enough: the server itself, then the notaries. */
  readonly fetchers: readonly KeyFetcher[];
  readonly now?: () => number;
  /**
   * After fetches that did not produce the wanted key, the same (server, key) is not fetched
   * again for this long, so events signed with an unknown key cannot make us hammer a server.
   */
  readonly retryAfterMs?: number;
}

/** Does a stored keys object (its capped valid_until_ts given) answer a notary criterion without a fetch? */
function responseMeets(response: JsonObject, validUntilTs: number, criterion: KeyQuery): boolean {
  if (criterion.keyId === undefined) return validUntilTs >= criterion.minimumValidUntilTs;
  const old = response.old_verify_keys as JsonObject | undefined;
  if (old !== undefined && criterion.keyId in old) return true;
  return criterion.keyId in (response.verify_keys as JsonObject) && validUntilTs >= criterion.minimumValidUntilTs;
}

/** Does this key answer the query without a fetch? An old key is final: a refetch will not revive it. */
function satisfies(key: ServerKey, minimumValidUntilTs: number): boolean {
  return key.expiredTs !== undefined || key.validUntilTs >= minimumValidUntilTs;
}

/**
 * Other servers' signing keys: from the database when a stored key is valid long enough,
 * otherwise fetched (directly, then through trusted notaries), checked, stored and answered.
 * Concurrent lookups of one key share one fetch.
 */
export class KeyRing {
  private readonly now: () => number;
  private readonly retryAfterMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly recentlyFetched: TtlCache<string, true>;
  private readonly ownKeys: Map<string, ServerKey>;

  constructor(private readonly options: KeyRingOptions) {
    this.now = options.now ?? Date.now;
    this.retryAfterMs = options.retryAfterMs ?? 60_000;
    this.recentlyFetched = new TtlCache({ now: this.now });
    const own = options.ownServerName;
    this.ownKeys = new Map<string, ServerKey>([
      ...options.ownOldVerifyKeys.map((k): [string, ServerKey] => [
        k.keyId,
        { serverName: own, keyId: k.keyId, publicKey: k.publicKey, validUntilTs: 0, expiredTs: k.expiredTs },
      ]),
      // Our current key is valid for as long as we hold it.
      [
        options.ownSigningKey.keyId,
        {
          serverName: own,
          keyId: options.ownSigningKey.keyId,
          publicKey: options.ownSigningKey.publicKeyBase64,
          validUntilTs: Number.MAX_SAFE_INTEGER,
          expiredTs: undefined,
        },
      ],
    ]);
  }

  /**
   * The key (server, keyId) if one is known or can be fetched; a stored key valid until
   * before `minimumValidUntilTs` is refetched first (the spec's rule for room v5+). The
   * answer may still be valid too briefly or retired: the caller applies keyValidForEvent
   * or keyValidForRequest, or uses keyForEvent / keyForRequest below.
   */
  async serverKey(query: KeyQuery): Promise<ServerKey | null> {
    const keyId = query.keyId;
    if (keyId === undefined) throw new Error("serverKey needs a key ID");
    if (query.serverName === this.options.ownServerName) return this.ownKeys.get(keyId) ?? null;
    const stored = await selectServerKey(this.options.db, query.serverName, keyId);
    if (stored !== null && satisfies(stored, query.minimumValidUntilTs)) return stored;
    if (!(await this.refresh(query))) return stored;
    return selectServerKey(this.options.db, query.serverName, keyId);
  }

  /**
   * For the notary endpoints: the newest signed keys object of `serverName`, refreshed first
   * when it does not meet the criteria (each wanted key listed and valid until its
   * minimum; with no key named, valid until `minimumValidUntilTs`). Stale keys are still
   * answered when no fresher ones can be had; null when none were ever fetched.
   */
  async signedKeys(serverName: string, criteria: readonly KeyQuery[]): Promise<JsonObject | null> {
    let stored = await selectServerKeyResponse(this.options.db, serverName);
    for (const criterion of criteria) {
      if (stored !== null && responseMeets(JSON.parse(stored.responseJson) as JsonObject, stored.validUntilTs, criterion)) continue;
      await this.refresh(criterion);
      // One fetch answers every criterion it can; the rest are refetched only if still unmet.
      stored = await selectServerKeyResponse(this.options.db, serverName);
    }
    return stored === null ? null : (JSON.parse(stored.responseJson) as JsonObject);
  }

  /** Fetches unless the same query was fetched within retryAfterMs; concurrent callers share one fetch. Returns whether it fetched. */
  private async refresh(query: KeyQuery): Promise<boolean> {
    const attempt = `${query.serverName} ${query.keyId ?? "*"}`;
    if (this.recentlyFetched.has(attempt)) return false;
    let pending = this.inFlight.get(attempt);
    if (pending === undefined) {
      pending = this.fetch(query).finally(() => {
        this.inFlight.delete(attempt);
        this.recentlyFetched.set(attempt, true, this.retryAfterMs);
      });
      this.inFlight.set(attempt, pending);
    }
    await pending;
    return true;
  }

  /**
   * The public key to check a signature of `serverName` on an event sent at `eventTs`, or
   * null when no key may vouch for it: unknown, retired before the event, or (room v5+)
   * valid only until before it.
   */
  async keyForEvent(serverName: string, keyId: string, eventTs: number, roomVersion: RoomVersion): Promise<PublicKey | null> {
    const minimumValidUntilTs = roomVersion.enforceKeyValidity ? eventTs : 0;
    const key = await this.serverKey({ serverName, keyId, minimumValidUntilTs });
    return key !== null && keyValidForEvent(key, eventTs, roomVersion) ? publicKeyObject(key.publicKey) : null;
  }

  /** The public key to check an X-Matrix request signed now, or null: only current, unexpired keys sign requests. */
  async keyForRequest(serverName: string, keyId: string): Promise<PublicKey | null> {
    const now = this.now();
    const key = await this.serverKey({ serverName, keyId, minimumValidUntilTs: now });
    return key !== null && keyValidForRequest(key, now) ? publicKeyObject(key.publicKey) : null;
  }

  private async fetch(query: KeyQuery): Promise<void> {
    for (const fetcher of this.options.fetchers) {
      const now = this.now();
      let keys: ServerKey[];
      let responses: JsonObject[];
      try {
        ({ keys, responses } = await fetcher.fetch(query, now));
      } catch (e) {
        this.options.logger.warn(
          { server: query.serverName, key_id: query.keyId, source: fetcher.name, err: String(e) },
          "fetching server keys failed",
        );
        continue;
      }
      await this.options.db.transaction(async (tx) => {
        await upsertServerKeys(tx, keys, now);
        for (const response of responses) {
          // Checked by the fetcher: server_name is a string and valid_until_ts an integer.
          const validUntilTs = Math.min(response.valid_until_ts as number, now + MAX_KEY_VALIDITY_MS);
          await upsertServerKeyResponse(
            tx,
            { serverName: response.server_name as string, responseJson: JSON.stringify(response), validUntilTs },
            now,
          );
        }
      });
      const wanted =
        query.keyId === undefined
          ? keys.find((k) => k.expiredTs === undefined && k.validUntilTs >= query.minimumValidUntilTs)
          : keys.find((k) => k.keyId === query.keyId);
      if (wanted !== undefined && satisfies(wanted, query.minimumValidUntilTs)) return;
      this.options.logger.info(
        { server: query.serverName, key_id: query.keyId, source: fetcher.name, valid_until_ts: wanted?.validUntilTs ?? null },
        wanted === undefined ? "server keys fetched lack the key asked for" : "server key fetched is not valid long enough",
      );
    }
  }
}
