import { RoomserverQueries } from "../../../components/roomserver/query/queries.js";
import { inputEvent } from "../../../testing/roomserver-harness.js";
import { SETUPS, useRoomserver, pendingSetups } from "./backends.js";
import { QUERY_CHECKS } from "./query-checks.js";
import { QueryFixture } from "./query-fixture.js";

for (const setup of SETUPS) {
  describe(`roomserver queries in-process [${setup.name}]`, function () {
    this.timeout(60_000);
    const rs = useRoomserver(setup, "roomserver-queries");
    let queries: RoomserverQueries;
    let fixture: QueryFixture;

    before(async () => {
      queries = new RoomserverQueries(rs.core);
      fixture = await QueryFixture.build(rs.key, (event, kind) => inputEvent(rs.log, event, kind));
    });

    for (const [name, check] of Object.entries(QUERY_CHECKS)) {
      it(name, () => check(queries, fixture));
    }
  });
}
pendingSetups("roomserver-queries");
