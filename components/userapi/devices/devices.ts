import type { Database } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import { UserApiError } from "../api/errors.js";
import type { CreateDeviceRequest, Device, DevicesApi } from "../api/userapi.js";
import type { DeviceListChanges } from "../producers/device-list-changes.js";
import { selectAccount } from "../storage/accounts.js";
import { deleteDevices, selectDevice, selectDevices, updateDeviceName, upsertDevice, type DeviceRow } from "../storage/devices.js";
import type { TokenRevocations } from "./token-revocations.js";
import { hashAccessToken, newAccessToken, newDeviceId } from "./tokens.js";

function toDevice(row: DeviceRow): Device {
  return {
    deviceId: row.device_id,
    ...(row.display_name !== null && { displayName: row.display_name }),
    ...(row.last_seen_ts !== null && { lastSeenTs: row.last_seen_ts }),
    ...(row.last_seen_ip !== null && { lastSeenIp: row.last_seen_ip }),
  };
}

/** Devices and their access tokens: one token per device, replaced on each login. */
export class Devices implements DevicesApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
    private readonly revocations: TokenRevocations,
    private readonly deviceLists: DeviceListChanges,
  ) {}

  async createDevice(request: CreateDeviceRequest): Promise<{ deviceId: string; accessToken: string }> {
    const localpart = this.users.localpart(request.userId);
    const accessToken = newAccessToken();
    const deviceId = request.deviceId ?? newDeviceId();
    const replaced = await this.db.transaction(async (tx) => {
      const account = await selectAccount(tx, localpart);
      if (!account) throw new UserApiError("NOT_FOUND", `no account ${request.userId}`);
      if (account.deactivated) throw new UserApiError("USER_DEACTIVATED", "This account has been deactivated");
      return upsertDevice(
        tx,
        localpart,
        deviceId,
        request.displayName ?? null,
        hashAccessToken(accessToken),
        Date.now(),
        request.ip ?? null,
      );
    });
    // A login that replaces a device's token leaves the device list as it was.
    if (replaced) await this.revocations.revoke(request.userId, [replaced]);
    else await this.deviceLists.changed(request.userId, deviceId);
    return { deviceId, accessToken };
  }

  async listDevices(userId: string): Promise<Device[]> {
    return (await selectDevices(this.db, this.users.localpart(userId))).map(toDevice);
  }

  async getDevice(userId: string, deviceId: string): Promise<Device | null> {
    const row = await selectDevice(this.db, this.users.localpart(userId), deviceId);
    return row ? toDevice(row) : null;
  }

  renameDevice(userId: string, deviceId: string, displayName: string): Promise<boolean> {
    return updateDeviceName(this.db, this.users.localpart(userId), deviceId, displayName);
  }

  async deleteDevices(userId: string, deviceIds: readonly string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    const gone = await deleteDevices(this.db, this.users.localpart(userId), deviceIds);
    await this.revocations.revoke(userId, gone);
    if (gone.length > 0) await this.deviceLists.changed(userId, deviceIds.length === 1 ? deviceIds[0]! : "", true);
  }

  async deleteAllDevices(userId: string, exceptDeviceId?: string): Promise<void> {
    const gone = await deleteDevices(this.db, this.users.localpart(userId), null, exceptDeviceId ?? null);
    await this.revocations.revoke(userId, gone);
    if (gone.length > 0) await this.deviceLists.changed(userId, "", true);
  }
}
