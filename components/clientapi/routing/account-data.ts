import { requireSelf, type AuthenticatedUser } from "../../internal/http/auth.js";
import { MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { checkRoomId } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

/** Account data the server maintains itself; clients change it through other endpoints. */
const SERVER_MANAGED_TYPES = new Set(["m.fully_read", "m.push_rules"]);

/** Where one piece of account data lives: the path's user, a room (or none: global), its type. */
interface Slot {
  readonly userId: string;
  readonly roomId?: string;
  readonly type: string;
}

/** GET/PUT /user/{userId}/account_data/{type} and /user/{userId}/rooms/{roomId}/account_data/{type}. */
export function addAccountDataRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const accountData = () => deps.userApi().accountData;

  const get = async (user: AuthenticatedUser, slot: Slot) => {
    requireSelf(user, slot.userId, "read account data");
    if (slot.roomId !== undefined) checkRoomId(slot.roomId);
    const content = await accountData().getAccountData(user.userId, slot.roomId, slot.type);
    if (content === null) throw notFound("No account data of that type");
    return content;
  };

  const put = async (user: AuthenticatedUser, slot: Slot, body: Record<string, unknown>) => {
    requireSelf(user, slot.userId, "set account data");
    if (slot.roomId !== undefined) checkRoomId(slot.roomId);
    if (SERVER_MANAGED_TYPES.has(slot.type)) {
      throw new MatrixError(405, "M_BAD_JSON", `${slot.type} account data is managed by the server; clients cannot set it`);
    }
    await accountData().setAccountData(user.userId, slot.roomId, slot.type, body);
    await deps.edus.accountData(user.userId, slot.roomId, slot.type, body);
    return {};
  };

  const reads = { access: "guest" } as const;
  const writes = { access: "guest", middleware: [deps.limits.write] } as const;
  const globalPath = "/_matrix/client/v3/user/{userId}/account_data/{type}";
  const roomPath = "/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}";
  routes.get(globalPath, reads, async ({ ctx, user, params }) => void (ctx.body = await get(user, params)));
  routes.put(globalPath, writes, async ({ ctx, user, params, body }) => void (ctx.body = await put(user, params, body)));
  routes.get(roomPath, reads, async ({ ctx, user, params }) => void (ctx.body = await get(user, params)));
  routes.put(roomPath, writes, async ({ ctx, user, params, body }) => void (ctx.body = await put(user, params, body)));
}
