import type { Database, Queryable } from "../../internal/database/database.js";
import { migrate } from "../../internal/database/migrations.js";
import { AccountDataTable, FiltersTable } from "./account-data-table.js";
import { AccountsTable } from "./accounts-table.js";
import { AuthSessionsTable } from "./auth-sessions-table.js";
import { DevicesTable } from "./devices-table.js";
import { ProfilesTable } from "./profiles-table.js";
import { PushRulesTable } from "./push-rules-table.js";
import { USERAPI_MIGRATIONS } from "./migrations.js";

/** Every userapi table over one connection or transaction. */
export class Tables {
  readonly accounts: AccountsTable;
  readonly devices: DevicesTable;
  readonly sessions: AuthSessionsTable;
  readonly profiles: ProfilesTable;
  readonly accountData: AccountDataTable;
  readonly filters: FiltersTable;
  readonly pushRules: PushRulesTable;

  constructor(db: Queryable) {
    this.accounts = new AccountsTable(db);
    this.devices = new DevicesTable(db);
    this.sessions = new AuthSessionsTable(db);
    this.profiles = new ProfilesTable(db);
    this.accountData = new AccountDataTable(db);
    this.filters = new FiltersTable(db);
    this.pushRules = new PushRulesTable(db);
  }
}

/** The userapi's storage: its tables, and transactions that hand out tables bound to them. */
export class UserStorage extends Tables {
  constructor(private readonly db: Database) {
    super(db);
  }

  /** Applies the userapi's migrations; called once when the component starts. */
  async migrate(): Promise<void> {
    await migrate(this.db, "userapi", USERAPI_MIGRATIONS);
  }

  transaction<T>(work: (tables: Tables) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new Tables(tx)));
  }
}
