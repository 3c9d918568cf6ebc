import { expect } from "chai";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { APPLIED_SEQUENCES_MIGRATIONS, claimSequence, claimSequences } from "../../../components/internal/eventlog/applied-sequences.js";
import type { LogMessage } from "../../../components/internal/eventlog/eventlog.js";
import { DATABASE_BACKENDS, recordVariant } from "../../helpers/backends.js";

const msg = (subject: string, seq: number): LogMessage => ({
  stream: "S",
  subject,
  seq,
  data: new Uint8Array(),
  headers: {},
  redelivered: false,
});

for (const backend of DATABASE_BACKENDS) {
  describe(`applied sequences [${backend.name}]`, function () {
    this.timeout(60_000);
    let db: Database;
    let drop: () => Promise<void>;
    before(async () => {
      recordVariant(`applied-sequences:${backend.name}`);
      ({ db, drop } = await backend.create());
      await migrate(db, "eventlog-applied", APPLIED_SEQUENCES_MIGRATIONS);
    });
    after(() => drop());

    it("claims a message once, per consumer and subject", async () => {
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.a", 5)))).to.equal(true);
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.a", 5)))).to.equal(false);
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.a", 3)))).to.equal(false);
      expect(await db.transaction((tx) => claimSequence(tx, "c1", msg("S.b", 3)))).to.equal(true, "another subject");
      expect(await db.transaction((tx) => claimSequence(tx, "c2", msg("S.a", 5)))).to.equal(true, "another consumer");
    });

    it("claims the unapplied part of a batch and nothing of a batch applied before", async () => {
      const first = [msg("S.x", 1), msg("S.x", 2), msg("S.x", 4)];
      expect((await db.transaction((tx) => claimSequences(tx, "batch", first))).map((m) => m.seq)).to.deep.equal([1, 2, 4]);
      const redelivered = [msg("S.x", 2), msg("S.x", 4), msg("S.x", 7), msg("S.x", 9)];
      expect((await db.transaction((tx) => claimSequences(tx, "batch", redelivered))).map((m) => m.seq)).to.deep.equal([7, 9]);
      expect(await db.transaction((tx) => claimSequences(tx, "batch", first))).to.deep.equal([]);
    });

    it("forgets a claim whose transaction rolled back", async () => {
      await db.transaction(async (tx) => {
        await claimSequences(tx, "rollback", [msg("S.r", 1)]);
        throw new Error("effects failed");
      }).catch(() => {});
      expect((await db.transaction((tx) => claimSequences(tx, "rollback", [msg("S.r", 1)]))).map((m) => m.seq)).to.deep.equal([1]);
    });
  });
}
