import { ClientEvent, createClient, Filter, MatrixError, MemoryStore, PendingEventOrdering, type MatrixClient } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import type { Deployment } from "../../../testing/deployment.js";
import { uniqueName } from "../../../testing/test-client.js";

/**
 * The SDK logs every request and sync; the tests' output would drown in it. Its lines are kept
 * (the last few hundred) for a failing test to print instead. Loggers the SDK makes later
 * inherit this method factory.
 */
const sdkLog: string[] = [];
/** The SDK's root logger is a loglevel logger; its type hides that part of loglevel's API. */
const root = logger as unknown as { methodFactory: (level: string) => (...args: unknown[]) => void; rebuild(): void };
root.methodFactory =
  (level) =>
  (...args) => {
    sdkLog.push(`${level} ${args.map(logText).join(" ")}`);
    if (sdkLog.length > 500) sdkLog.shift();
  };
root.rebuild();

/** A logged value as text; never throws (the SDK logs objects with cycles too). */
function logText(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The SDK's latest log lines, for a failed test's report. */
export function recentSdkLog(): string {
  return sdkLog.join("\n");
}

/**
 * Registers a user the way a client app does: the SDK's /register, first without auth to get
 * the user-interactive session, then with the m.login.dummy stage the deployment offers.
 */
export async function registerSdkClient(server: Deployment, prefix: string): Promise<MatrixClient> {
  const anonymous = createClient({ baseUrl: server.baseUrl });
  const username = uniqueName(prefix);
  const password = `pw of ${username}`;
  let session: string | undefined;
  try {
    await anonymous.registerRequest({ username, password });
    throw new Error("registration without auth must answer 401 with the flows");
  } catch (err) {
    if (!(err instanceof MatrixError) || err.httpStatus !== 401) throw err;
    session = (err.data as { session?: string }).session;
  }
  const res = await anonymous.registerRequest({ username, password, auth: { type: "m.login.dummy", session } });
  return createClient({
    baseUrl: server.baseUrl,
    userId: res.user_id,
    accessToken: res.access_token!,
    deviceId: res.device_id!,
    store: new MemoryStore(),
  });
}

/**
 * Starts the client's own sync loop and waits for its first sync. Its events enter the live
 * timeline only when the server's /sync delivers them ("detached" pending events), so each
 * client's timeline is the server's order; the filter's timeline limit is above anything a
 * test sends at once, so no sync is `limited` and no gap resets the live timeline.
 */
export async function startSyncing(client: MatrixClient): Promise<void> {
  const filter = new Filter(client.getUserId());
  filter.setDefinition({ room: { timeline: { limit: 1000 } } });
  const prepared = new Promise<void>((resolve) => {
    const onSync = (state: string) => {
      if (state !== "PREPARED") return;
      client.off(ClientEvent.Sync, onSync);
      resolve();
    };
    client.on(ClientEvent.Sync, onSync);
  });
  await client.startClient({ filter, pendingEventOrdering: PendingEventOrdering.Detached, initialSyncLimit: 1000 });
  await prepared;
}

/**
 * Resolves once `check` holds, checked now and after each sync response the client processed
 * (the SDK emits ClientEvent.Sync after every one, when all its events and ephemera are applied).
 */
export function syncedUntil(client: MatrixClient, what: string, check: () => boolean, ms = 20_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(ClientEvent.Sync, onSync);
      reject(new Error(`${client.getUserId()}: ${what} did not happen within ${ms} ms`));
    }, ms);
    const onSync = () => {
      if (!check()) return;
      clearTimeout(timer);
      client.off(ClientEvent.Sync, onSync);
      resolve();
    };
    client.on(ClientEvent.Sync, onSync);
  });
}
