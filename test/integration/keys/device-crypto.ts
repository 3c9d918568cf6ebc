import nacl from "tweetnacl";
import { encodeCanonicalJson } from "../../../components/protocol/index.js";

export type Json = Record<string, any>;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");

/** What a signature covers: the canonical JSON of the object without `signatures` and `unsigned`. */
function signedBytes(obj: Json): Uint8Array {
  const { signatures: _s, unsigned: _u, ...rest } = obj;
  return Buffer.from(encodeCanonicalJson(rest), "utf8");
}

/**
 * A device's end-to-end keys as matrix-js-sdk makes them: an ed25519 signing key and a
 * curve25519 identity key, device keys and one-time keys signed with the ed25519 key. Real
 * keys from tweetnacl, so the server checks real signatures.
 */
export class DeviceCrypto {
  readonly signing = nacl.sign.keyPair();
  readonly identity = nacl.box.keyPair();
  private nextKey = 0;

  constructor(
    readonly userId: string,
    readonly deviceId: string,
  ) {}

  get ed25519(): string {
    return b64(this.signing.publicKey);
  }

  sign<T extends Json>(obj: T): T {
    return signWith(obj, this.userId, this.deviceId, this.signing.secretKey);
  }

  deviceKeys(extra: Json = {}): Json {
    return this.sign({
      user_id: this.userId,
      device_id: this.deviceId,
      algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
      keys: { [`curve25519:${this.deviceId}`]: b64(this.identity.publicKey), [`ed25519:${this.deviceId}`]: this.ed25519 },
      ...extra,
    });
  }

  /** `n` new signed curve25519 one-time keys, by `signed_curve25519:<id>`. */
  oneTimeKeys(n: number): Json {
    const out: Json = {};
    for (let i = 0; i < n; i++) out[`signed_curve25519:${this.newKeyId()}`] = this.sign({ key: b64(nacl.box.keyPair().publicKey) });
    return out;
  }

  fallbackKey(): Json {
    return { [`signed_curve25519:${this.newKeyId()}`]: this.sign({ key: b64(nacl.box.keyPair().publicKey), fallback: true }) };
  }

  private newKeyId(): string {
    this.nextKey += 1;
    return `AAAA${this.nextKey.toString(36).padStart(4, "0")}`;
  }
}

/** `obj` with one more signature, by `signer` with `ed25519:<keyName>`. */
export function signWith<T extends Json>(obj: T, signer: string, keyName: string, secretKey: Uint8Array): T {
  const signature = b64(nacl.sign.detached(signedBytes(obj), secretKey));
  const signatures = { ...obj.signatures, [signer]: { ...obj.signatures?.[signer], [`ed25519:${keyName}`]: signature } };
  return { ...obj, signatures };
}

/** A user's cross-signing key pair; its key ID is its own public key. */
export class CrossSigningPair {
  readonly pair = nacl.sign.keyPair();

  constructor(
    readonly userId: string,
    readonly usage: "master" | "self_signing" | "user_signing",
  ) {}

  get publicKey(): string {
    return b64(this.pair.publicKey);
  }

  /** The key object as uploaded, signed by `signer` (the master key, for the other two). */
  key(signer?: CrossSigningPair): Json {
    const key = { user_id: this.userId, usage: [this.usage], keys: { [`ed25519:${this.publicKey}`]: this.publicKey } };
    return signer ? signer.sign(key) : key;
  }

  sign<T extends Json>(obj: T): T {
    return signWith(obj, this.userId, this.publicKey, this.pair.secretKey);
  }
}

/** A user's three cross-signing keys, as a client bootstraps them. */
export class CrossSigningKeys {
  readonly master: CrossSigningPair;
  readonly selfSigning: CrossSigningPair;
  readonly userSigning: CrossSigningPair;

  constructor(readonly userId: string) {
    this.master = new CrossSigningPair(userId, "master");
    this.selfSigning = new CrossSigningPair(userId, "self_signing");
    this.userSigning = new CrossSigningPair(userId, "user_signing");
  }

  upload(): Json {
    return {
      master_key: this.master.key(),
      self_signing_key: this.selfSigning.key(this.master),
      user_signing_key: this.userSigning.key(this.master),
    };
  }
}

/** Whether `obj` carries a valid signature by `userId` with `ed25519:<keyName>`, whose public key is `ed25519` (base64). */
export function verifiedBy(obj: Json, userId: string, keyName: string, ed25519: string): boolean {
  const sig = obj.signatures?.[userId]?.[`ed25519:${keyName}`];
  if (typeof sig !== "string") return false;
  return nacl.sign.detached.verify(signedBytes(obj), Buffer.from(sig, "base64"), Buffer.from(ed25519, "base64"));
}
