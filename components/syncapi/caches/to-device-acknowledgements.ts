import type { Queryable } from "../../internal/database/database.js";
import { deleteToDeviceUpTo } from "../storage/send-to-device.js";

/** Devices whose acknowledged position is remembered at most. */
const MAX_REMEMBERED_DEVICES = 10_000;

/**
 * Every sync repeats its `since`, so what this process deleted of a device's to-device
 * messages already is remembered and not deleted again: positions only grow, so nothing at
 * or below it can arrive later.
 */
export class ToDeviceAcknowledgements {
  /** The position up to which this process deleted each device's messages. */
  private readonly acknowledged = new Map<string, number>();

  /** The device has seen everything up to `upTo` (its next `since` says so). */
  async acknowledge(q: Queryable, userId: string, deviceId: string, upTo: number): Promise<void> {
    const device = JSON.stringify([userId, deviceId]);
    if ((this.acknowledged.get(device) ?? 0) >= upTo) return;
    await deleteToDeviceUpTo(q, userId, deviceId, upTo);
    if (this.acknowledged.size >= MAX_REMEMBERED_DEVICES) this.acknowledged.clear();
    this.acknowledged.set(device, upTo);
  }
}
