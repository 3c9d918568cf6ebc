import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import type { KeyChange } from "../api/log-messages.js";
import { encodeKeyChange } from "../codecs/key-change.js";

/**
 * Tells the readers that a user's device list changed (a device was made or deleted, or
 * uploaded new device keys), on OutputKeyChangeEvent, which the syncapi turns into
 * `device_lists.changed` for everyone sharing a room with the user: their clients then
 * fetch the user's devices again (a new device must be encrypted for). Claims of a device's
 * one-time keys go out here too, so that device's syncs wake with the new counts.
 * Called after the change committed: a failed publish fails the request, which the client
 * retries (a repeated notice only names the user once more).
 */
export class DeviceListChanges {
  /** `log` null: the CLI, where no server follows; the syncapi learns of those devices at their first key change. */
  constructor(private readonly log: EventLog | null) {}

  async changed(userId: string, deviceId: string, deleted = false): Promise<void> {
    await this.publish({ userId, deviceId, deleted, keyCountsChanged: false });
  }

  /** Someone claimed keys of the device: its one-time key count or unused fallback keys changed. */
  async keyCountsChanged(userId: string, deviceId: string): Promise<void> {
    await this.publish({ userId, deviceId, deleted: false, keyCountsChanged: true });
  }

  private async publish(change: KeyChange): Promise<void> {
    if (!this.log) return;
    await this.log.publish(`${STREAMS.outputKeyChangeEvent}.${subjectToken(change.userId)}`, encodeKeyChange(change));
  }
}
