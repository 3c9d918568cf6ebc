import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JetStreamLog } from "../components/internal/eventlog/jetstream/log.js";
import { silentLogger } from "../components/internal/logging/logger.js";
import { parseSigningKeyFile, type SigningKey } from "../components/protocol/crypto/keys.js";
import {
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  createPostgresDatabase,
  deleteNatsStreams,
  dropPostgresDatabase,
  uniquePrefix,
} from "./backends.js";
import { runCli, startCli, type RunningProcess } from "./cli-process.js";

/**
 * A roomserver run as its own process on PostgreSQL + NATS, as the polylith runs it: its
 * own database, stream prefix and config (written by the built CLI), and the signing key
 * it generated, so the test can sign events the roomserver will verify. Needs
 * DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS.
 */
export class RoomserverProcessSetup {
  private constructor(
    readonly dir: string,
    readonly dbUrl: string,
    readonly prefix: string,
    readonly config: string,
    readonly key: SigningKey,
    /** The secret its gRPC calls must carry, written by generate-config. */
    readonly grpcSecret: string,
  ) {}

  static async create(serverName: string): Promise<RoomserverProcessSetup> {
    if (!TEST_POSTGRES_URL || !TEST_NATS_URL) throw new Error("a roomserver process needs DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS");
    const dir = mkdtempSync(join(tmpdir(), "dendrite-roomserver-"));
    const dbUrl = await createPostgresDatabase(TEST_POSTGRES_URL);
    const config = join(dir, "dendrite.yaml");
    const generated = await runCli([
      "generate-config",
      "--server-name",
      serverName,
      "--data-dir",
      dir,
      "--postgres",
      dbUrl,
      "--nats",
      TEST_NATS_URL,
      "-o",
      config,
    ]);
    if (generated.code !== 0) throw new Error(`generate-config failed: ${generated.stderr}`);
    const [key] = parseSigningKeyFile(readFileSync(join(dir, "signing.key"), "utf8"));
    const grpcSecret = readFileSync(join(dir, "grpc.secret"), "utf8").trim();
    return new RoomserverProcessSetup(dir, dbUrl, uniquePrefix(), config, key!, grpcSecret);
  }

  /** Starts `dendrite-ts roomserver` (gRPC on a free port; `env` overrides config); may be called again after a stop. */
  start(env: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
    return startCli(["roomserver", "--config", this.config], {
      env: {
        DENDRITE_EVENT_LOG_STREAM_PREFIX: this.prefix,
        DENDRITE_COMPONENTS_ROOMSERVER_GRPC_LISTEN: "127.0.0.1:0",
        DENDRITE_COMPONENTS_ROOMSERVER_METRICS_LISTEN: "127.0.0.1:0",
        ...env,
      },
    });
  }

  /** A connection to the same streams, for writers and output readers in the test. */
  connectLog(name: string): Promise<JetStreamLog> {
    return JetStreamLog.connect(TEST_NATS_URL!, this.prefix, silentLogger(), name);
  }

  /** Removes the streams, the database and the folder. */
  async dispose(): Promise<void> {
    await deleteNatsStreams(TEST_NATS_URL!, this.prefix);
    await dropPostgresDatabase(TEST_POSTGRES_URL!, this.dbUrl);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
