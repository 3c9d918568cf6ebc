import { existsSync, readFileSync } from "node:fs";
import {
  buildServerKeys,
  parseOldVerifyKeysFile,
  signJson,
  type JsonObject,
  type OldVerifyKey,
  type SigningKey,
} from "../../protocol/index.js";

export interface OwnKeysOptions {
  readonly serverName: string;
  readonly signingKey: SigningKey;
  /** Retired keys, published as old_verify_keys. */
  readonly oldVerifyKeys: readonly OldVerifyKey[];
  /** valid_until_ts lies this far ahead of the time of the response. */
  readonly validityMs: number;
  readonly now?: () => number;
}

/** This server's keys as other servers and notaries see them: `GET /_matrix/key/v2/server`. */
export class OwnKeys {
  private readonly now: () => number;

  constructor(private readonly options: OwnKeysOptions) {
    this.now = options.now ?? Date.now;
  }

  get serverName(): string {
    return this.options.serverName;
  }

  /** Signed afresh on each call: signing costs tens of microseconds, and valid_until_ts moves with the clock. */
  serverKeys(): JsonObject {
    const { serverName, signingKey, oldVerifyKeys, validityMs } = this.options;
    return buildServerKeys(
      {
        serverName,
        verifyKeys: [{ keyId: signingKey.keyId, publicKey: signingKey.publicKeyBase64 }],
        // Our current key is never also an old one (a crash mid-rotation could list it in both).
        oldVerifyKeys: oldVerifyKeys.filter((k) => k.keyId !== signingKey.keyId),
        validUntilTs: this.now() + validityMs,
      },
      [signingKey],
    );
  }

  /** Adds our signature to another server's keys object, as a notary vouching for it. */
  countersign(json: JsonObject): JsonObject {
    return signJson(json, this.options.serverName, this.options.signingKey.keyId, this.options.signingKey);
  }
}

/** Reads the old verify keys file (see parseOldVerifyKeysFile); a missing file means no retired keys. */
export function readOldVerifyKeys(path: string): OldVerifyKey[] {
  return existsSync(path) ? parseOldVerifyKeysFile(readFileSync(path, "utf8")) : [];
}
