import type { Database } from "../../internal/database/database.js";
import { AccountDataTable } from "./account-data.js";
import { EventsTable } from "./events.js";
import { InvitesTable } from "./invites.js";
import { KeyChangesTable } from "./key-changes.js";
import { PresenceTable } from "./presence.js";
import { ReceiptsTable } from "./receipts.js";
import { SendToDeviceTable } from "./send-to-device.js";
import { StateTable } from "./state.js";
import { TypingTable } from "./typing.js";

/** The syncapi's tables, one object per table, over one database. */
export class SyncStore {
  readonly events = new EventsTable();
  readonly state = new StateTable();
  readonly invites = new InvitesTable();
  readonly typing = new TypingTable();
  readonly receipts = new ReceiptsTable();
  readonly toDevice = new SendToDeviceTable();
  readonly accountData = new AccountDataTable();
  readonly presence = new PresenceTable();
  readonly keyChanges = new KeyChangesTable();

  constructor(readonly db: Database) {}
}
