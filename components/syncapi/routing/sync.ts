import { LruMap } from "../../internal/cache/lru-map.js";
import { invalidParam } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { decodeSyncToken } from "../streams/positions.js";
import { PRESENCE_STATES } from "../producers/presence.js";
import { parseFilterJson, type SyncFilter } from "../sync/filter.js";
import type { SyncRouteDeps } from "./deps.js";
import { boolParam, intParam, query } from "./params.js";
import { userFilterKey } from "../sync/keys.js";

/** GET /sync: the filter inline (JSON) or by ID, since, timeout, full_state, set_presence. */
export function addSyncRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  const filters = new LruMap<string, SyncFilter>(10_000);
  routes.get("/_matrix/client/v3/sync", { access: "guest" }, async ({ ctx, user }) => {
    const filter = await syncFilter(deps, filters, user.userId, query(ctx, "filter"));
    const sinceParam = query(ctx, "since");
    const since = sinceParam ? decodeSyncToken(sinceParam) : null;
    if (sinceParam && !since) throw invalidParam("since is not a valid sync token");
    const setPresence = query(ctx, "set_presence") ?? "online";
    if (!PRESENCE_STATES.has(setPresence)) throw invalidParam('set_presence must be "online", "offline" or "unavailable"');
    const abort = new AbortController();
    ctx.req.on("close", () => abort.abort());
    ctx.body = await deps.sync.sync(
      {
        user,
        filter,
        since,
        timeoutMs: intParam(query(ctx, "timeout"), "timeout", 0, 3_600_000),
        fullState: boolParam(query(ctx, "full_state"), "full_state"),
        setPresence,
      },
      abort.signal,
    );
  });
}

/**
 * The filter a client syncs with, parsed (inline) or fetched from the userapi (by ID), kept
 * in `filters` because a client sends the same one with every sync. A stored filter never
 * changes (a client makes a new one instead), so neither can go stale. Shared: never modified.
 */
async function syncFilter(
  deps: SyncRouteDeps,
  filters: LruMap<string, SyncFilter>,
  userId: string,
  value: string | undefined,
): Promise<SyncFilter> {
  if (value === undefined || value === "") return {};
  const inline = value.trimStart().startsWith("{");
  const key = inline ? value : userFilterKey(userId, value);
  const known = filters.get(key);
  if (known) return known;
  let filter: SyncFilter;
  if (inline) filter = parseFilterJson(value) as SyncFilter;
  else {
    const stored = await deps.userApi().accountData.getFilter(userId, value);
    if (!stored) throw invalidParam(`no filter with ID ${value}`);
    filter = stored as SyncFilter;
  }
  filters.set(key, filter);
  return filter;
}
