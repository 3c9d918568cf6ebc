import type { Deployment } from "../../../testing/deployment.js";
import { uniqueName } from "../../../testing/test-client.js";
import { SyncClient } from "../../../testing/sync-client.js";
import { DeviceCrypto, type Json } from "./device-crypto.js";

/** A client with a device's keys, calling the key endpoints with each response checked against the spec. */
export class KeysClient extends SyncClient {
  crypto!: DeviceCrypto;

  static override async make(server: Deployment, prefix = "k"): Promise<KeysClient> {
    const c = await new KeysClient(server.baseUrl).register(uniqueName(prefix));
    c.crypto = new DeviceCrypto(c.userId, c.deviceId);
    return c;
  }

  /** Another device of this client's user, logged in with the password. */
  async newDevice(): Promise<KeysClient> {
    const { accessToken, deviceId } = await this.login(this.userId, this.password);
    const c = new KeysClient(this.baseUrl);
    Object.assign(c, { userId: this.userId, password: this.password, accessToken, deviceId });
    c.crypto = new DeviceCrypto(c.userId, deviceId);
    return c;
  }

  async upload(body: Json): Promise<Record<string, number>> {
    return (await this.expectOk("POST", "/keys/upload", { spec: "/keys/upload", body })).one_time_key_counts as Record<string, number>;
  }

  /** Device keys, `n` one-time keys and a fallback key, as a client's first upload. */
  async uploadAll(n: number): Promise<Record<string, number>> {
    return this.upload({
      device_keys: this.crypto.deviceKeys(),
      one_time_keys: this.crypto.oneTimeKeys(n),
      fallback_keys: this.crypto.fallbackKey(),
    });
  }

  async query(deviceKeys: Json): Promise<Json> {
    return this.expectOk("POST", "/keys/query", { spec: "/keys/query", body: { device_keys: deviceKeys } });
  }

  async claim(oneTimeKeys: Json): Promise<Json> {
    return this.expectOk("POST", "/keys/claim", { spec: "/keys/claim", body: { one_time_keys: oneTimeKeys } });
  }

  async changes(from: string, to: string): Promise<{ changed: string[]; left: string[] }> {
    return (await this.expectOk("GET", "/keys/changes", { spec: "/keys/changes", query: { from, to } })) as {
      changed: string[];
      left: string[];
    };
  }
}
