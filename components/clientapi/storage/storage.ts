import type { Database } from "../../internal/database/database.js";
import { migrate } from "../../internal/database/migrations.js";
import { ForgottenRoomsTable } from "./forgotten-rooms-table.js";
import { CLIENTAPI_MIGRATIONS } from "./migrations.js";

/** The clientapi's storage: forgotten rooms. */
export class ClientStorage {
  readonly forgottenRooms: ForgottenRoomsTable;

  constructor(private readonly db: Database) {
    this.forgottenRooms = new ForgottenRoomsTable(db);
  }

  /** Applies the clientapi's migrations; called once when the component starts. */
  async migrate(): Promise<void> {
    await migrate(this.db, "clientapi", CLIENTAPI_MIGRATIONS);
  }
}
