import type { EventLog } from "../../../components/internal/eventlog/eventlog.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { generateSigningKey } from "../../../components/protocol/crypto/keys.js";
import { createRoomserverCore } from "../../../components/roomserver/core.js";
import { RoomserverQueries } from "../../../components/roomserver/query/queries.js";
import { ROOMSERVER_MIGRATIONS } from "../../../components/roomserver/storage/migrations.js";
import { recordVariant } from "../../helpers/backends.js";
import { inputEvent, testDeps } from "../../helpers/roomserver-harness.js";
import { SETUPS } from "./backends.js";
import { QUERY_CHECKS } from "./query-checks.js";
import { QueryFixture } from "./query-fixture.js";

for (const setup of SETUPS) {
  describe(`roomserver queries in-process [${setup.name}]`, function () {
    this.timeout(60_000);
    let log: EventLog;
    let close: () => Promise<void>;
    let stopInput: () => Promise<void>;
    let queries: RoomserverQueries;
    let fixture: QueryFixture;

    before(async () => {
      recordVariant(`roomserver-queries:${setup.name}`);
      const opened = await setup.open();
      ({ log, close } = opened);
      const key = generateSigningKey();
      await migrate(opened.db, "roomserver", ROOMSERVER_MIGRATIONS);
      const { core, input } = createRoomserverCore(testDeps(opened.db, log, key));
      await input.start();
      stopInput = () => input.stop();
      queries = new RoomserverQueries(core);
      fixture = await QueryFixture.build(key, (event, kind) => inputEvent(log, event, kind));
    });
    after(async () => {
      await stopInput();
      await close();
    });

    for (const [name, check] of Object.entries(QUERY_CHECKS)) {
      it(name, () => check(queries, fixture));
    }
  });
}
