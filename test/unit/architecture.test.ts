// The rules of docs/architecture.md ("Rules the build checks"), checked over components/ and cli/.
// Each rule is first proven on a tiny synthetic example, then run on the repository against an
// allow-list of today's known violations, which fails when an entry no longer applies.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  againstAllowList,
  checkArchitecture,
  looksLikeSql,
  parseFile,
  type Allowed,
  type Violation,
} from "../../testing/architecture-rules.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Today's violations, one entry per rule and file. The refactors of issue 15 remove them: delete
 * an entry when its file complies (the test fails on an entry that no longer matches anything).
 */
const ALLOWED: readonly Allowed[] = [];

const check = (files: Record<string, string>): Violation[] => checkArchitecture(new Map(Object.entries(files)));
const rulesOf = (violations: Violation[]) => violations.map((v) => `${v.rule} ${v.file}`);

describe("architecture rules", () => {
  describe("the checks themselves, on synthetic examples", () => {
    it("reads import type, type-only bindings, re-exports and import() as such", () => {
      const parsed = parseFile(
        "components/a/x.ts",
        [
          'import type { A } from "./a.js";',
          'import { type B, type C } from "./b.js";',
          'import { type D, e } from "./d.js";',
          'import "./side-effect.js";',
          'export type { F } from "./f.js";',
          'export { g } from "./g.js";',
          'type H = import("./h.js").H;',
          'const i = () => import("./i.js");',
        ].join("\n"),
      );
      expect(parsed.imports).to.deep.equal([
        { target: "components/a/a.ts", typeOnly: true, dynamic: false },
        { target: "components/a/b.ts", typeOnly: true, dynamic: false },
        { target: "components/a/d.ts", typeOnly: false, dynamic: false },
        { target: "components/a/side-effect.ts", typeOnly: false, dynamic: false },
        { target: "components/a/f.ts", typeOnly: true, dynamic: false },
        { target: "components/a/g.ts", typeOnly: false, dynamic: false },
        { target: "components/a/h.ts", typeOnly: true, dynamic: false },
        { target: "components/a/i.ts", typeOnly: false, dynamic: true },
      ]);
    });

    it("component-boundary: another component only through api/ or codecs/, its factory only from cli/", () => {
      const violations = check({
        "components/clientapi/ok.ts": 'import type { A } from "../roomserver/api/a.js";\nimport { c } from "../roomserver/codecs/c.js";',
        "components/clientapi/bad.ts": 'import { selectRoom } from "../roomserver/storage/rooms.js";',
        "components/clientapi/typed.ts": 'import type { Row } from "../roomserver/storage/rooms.js";',
        "components/clientapi/factory.ts": 'import { createRoomServer } from "../roomserver/roomserver.js";',
        "components/internal/leak.ts": 'import type { A } from "../roomserver/api/a.js";',
        "components/clientapi/shared.ts": 'import { x } from "../internal/http/x.js";\nimport { y } from "../protocol/index.js";',
        "cli/wire.ts":
          'import { createRoomServer } from "../components/roomserver/roomserver.js";\nimport { s } from "../components/roomserver/storage/s.js";',
      });
      expect(rulesOf(violations).filter((v) => v.startsWith("component-boundary"))).to.deep.equal([
        "component-boundary components/clientapi/bad.ts",
        "component-boundary components/clientapi/typed.ts", // type-only imports count for the boundary
        "component-boundary components/clientapi/factory.ts",
        "component-boundary components/internal/leak.ts",
      ]);
    });

    it("protocol-entry: components/protocol from outside only through its entry modules", () => {
      const violations = check({
        "components/syncapi/a.ts": 'import { parseEvent } from "../protocol/index.js";',
        "components/syncapi/b.ts": 'import type { PDU } from "../protocol/events/event.js";',
        "components/protocol/events/parse.ts": 'import { canonicalJson } from "../json/canonical.js";',
      });
      expect(rulesOf(violations)).to.deep.equal(["protocol-entry components/syncapi/b.ts"]);
    });

    it("generated-code: proto/gen only from grpc/, codecs/, internal/grpc and cli/", () => {
      const violations = check({
        "components/roomserver/grpc/convert.ts": 'import { Pdu } from "../../../proto/gen/dendrite/roomserver/v1/x.js";',
        "components/roomserver/codecs/output.ts": 'import { Out } from "../../../proto/gen/dendrite/roomserver/v1/x.js";',
        "components/internal/grpc/server.ts": 'import { Health } from "../../../proto/gen/grpc/health.js";',
        "cli/main.ts": 'import { X } from "../proto/gen/dendrite/x.js";',
        "components/roomserver/input/input.ts": 'import type { Pdu } from "../../../proto/gen/dendrite/roomserver/v1/x.js";',
      });
      expect(rulesOf(violations)).to.deep.equal(["generated-code components/roomserver/input/input.ts"]);
    });

    it("the SQL detector matches statements and not prose", () => {
      for (const sql of [
        "SELECT event_id FROM syncapi_events WHERE room_id = $1",
        "SELECT 1",
        "SELECT pg_advisory_xact_lock($1)",
        "\n      INSERT INTO t (a) VALUES ($1)",
        "UPDATE roomserver_rooms SET x = $1",
        "UPDATE eventlog_applied_sequences a SET seq = v.seq",
        "DELETE FROM t WHERE a = $1",
        "WITH v (subject, seq) AS (SELECT * FROM unnest($2::text[]))",
        "WITH RECURSIVE chain AS (SELECT 1)",
        "CREATE TABLE t (a int)",
        "CREATE UNIQUE INDEX t_a ON t (a)",
        "ALTER TABLE t ADD COLUMN b int",
        "DROP TABLE t",
      ]) {
        expect(looksLikeSql(sql), sql).to.equal(true);
      }
      for (const prose of [
        "Select a room to join",
        "SELECT",
        "select event_id from t",
        "UPDATE your client",
        "Delete the device first",
        "With a reason",
        "CREATE a room with m.room.create",
        "DROP",
        "m.room.create",
      ]) {
        expect(looksLikeSql(prose), prose).to.equal(false);
      }
    });

    it("sql-outside-storage: SQL literals and templates only under storage/ and the database and event-log plumbing", () => {
      const violations = check({
        "components/syncapi/storage/events.ts": 'const q = "SELECT event_id FROM syncapi_events WHERE room_id = $1";',
        "components/internal/database/open.ts": 'await db.query("SELECT 1");',
        "components/internal/eventlog/dead-letters.ts": "const up = `CREATE TABLE eventlog_dead_letters (id bigint)`;",
        "components/syncapi/consumers/typing.ts": "await q.query(`SELECT count(*) FROM ${table} WHERE room_id = $1`, [r]);",
        "components/syncapi/sync/messages.ts": 'throw new Error("Select a room first");',
      });
      expect(rulesOf(violations)).to.deep.equal(["sql-outside-storage components/syncapi/consumers/typing.ts"]);
    });

    it("import-cycle: a runtime cycle is found and printed; type-only and dynamic imports break none", () => {
      const violations = check({
        "components/a/one.ts": 'import { two } from "./two.js";',
        "components/a/two.ts": 'import { three } from "./three.js";',
        "components/a/three.ts": 'import { one } from "./one.js";',
        "components/b/x.ts": 'import type { Y } from "./y.js";',
        "components/b/y.ts": 'import { x } from "./x.js";',
        "components/b/z.ts": 'import { w } from "./w.js";',
        "components/b/w.ts": 'const z = () => import("./z.js");',
      });
      expect(violations).to.deep.equal([
        {
          rule: "import-cycle",
          file: "components/a/one.ts",
          detail: "runtime import cycle: components/a/one.ts -> components/a/two.ts -> components/a/three.ts -> components/a/one.ts",
        },
      ]);
    });
    it("the allow-list: a violation it does not name fails, and so does an entry nothing violates any more", () => {
      const violations = check({ "components/syncapi/consumers/typing.ts": 'await q.query("SELECT 1");' });
      const reason = "issue 15: being refactored";
      expect(
        againstAllowList(violations, [{ rule: "sql-outside-storage", file: "components/syncapi/consumers/typing.ts", reason }]),
      ).to.deep.equal([]);
      expect(againstAllowList(violations, [])).to.deep.equal([
        "sql-outside-storage components/syncapi/consumers/typing.ts: SQL outside storage/: SELECT 1",
      ]);
      expect(againstAllowList([], [{ rule: "import-cycle", file: "components/a/one.ts", reason }])).to.deep.equal([
        "import-cycle components/a/one.ts: no longer violates, delete its ALLOWED entry",
      ]);
    });
  });

  describe("the repository", () => {
    const files = new Map<string, string>();
    before(() => {
      const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "components", "cli"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      for (const file of tracked.split("\n").filter((f) => f.endsWith(".ts"))) files.set(file, readFileSync(join(ROOT, file), "utf8"));
    });

    it("breaks no rule beyond the allow-list, and the allow-list holds no stale entry", () => {
      expect(files.size).to.be.greaterThan(100);
      expect(againstAllowList(checkArchitecture(files), ALLOWED).join("\n")).to.equal("");
    });

    it("the allow-list names each rule and file once", () => {
      const keys = ALLOWED.map((a) => `${a.rule} ${a.file}`);
      expect(keys.length).to.equal(new Set(keys).size);
    });
  });
});
