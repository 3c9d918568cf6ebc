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
    const signature = b64(nacl.sign.detached(signedBytes(obj), this.signing.secretKey));
    const signatures = { ...obj.signatures, [this.userId]: { ...obj.signatures?.[this.userId], [`ed25519:${this.deviceId}`]: signature } };
    return { ...obj, signatures };
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

/** Whether `obj` carries a valid signature by the device with ed25519 key `ed25519` (base64). */
export function verifiedBy(obj: Json, userId: string, deviceId: string, ed25519: string): boolean {
  const sig = obj.signatures?.[userId]?.[`ed25519:${deviceId}`];
  if (typeof sig !== "string") return false;
  return nacl.sign.detached.verify(signedBytes(obj), Buffer.from(sig, "base64"), Buffer.from(ed25519, "base64"));
}
