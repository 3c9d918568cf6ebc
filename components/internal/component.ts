import type { SigningKey } from "../protocol/index.js";
import type { Config } from "./config/types.js";
import type { Database } from "./database/database.js";
import type { EventLog } from "./eventlog/eventlog.js";
import type { ServiceBinding } from "./grpc/server.js";
import type { Router } from "./http/router.js";
import type { Logger } from "./logging/logger.js";

/** What every component is built from; the CLI's wiring is the only place that makes these. */
export interface ComponentDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly log: EventLog;
  readonly signingKey: SigningKey;
}

/**
 * A component as the process runner sees it: the HTTP routes and gRPC services it
 * serves, and the work (log consumers) it starts and stops.
 */
export interface Component {
  readonly name: string;
  readonly router?: Router;
  readonly grpcServices?: readonly ServiceBinding[];
  /** The component's API as its in-process peers call it. */
  readonly api?: unknown;
  start?(): Promise<void>;
  /** Stops consuming and finishes work in progress; called before the database closes. */
  stop?(): Promise<void>;
}
