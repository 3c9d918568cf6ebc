import { notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { Device } from "../../userapi/api/userapi.js";
import { PASSWORD_FLOWS } from "../auth/interactive-auth.js";
import { optionalBoundedString, requiredStringArray } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";
import { MAX_DEVICE_NAME_LENGTH } from "./login.js";

function deviceJson(device: Device) {
  return {
    device_id: device.deviceId,
    ...(device.displayName !== undefined && { display_name: device.displayName }),
    ...(device.lastSeenTs !== undefined && { last_seen_ts: device.lastSeenTs }),
    ...(device.lastSeenIp !== undefined && { last_seen_ip: device.lastSeenIp }),
  };
}

/** GET /devices, GET/PUT/DELETE /devices/{deviceId}, POST /delete_devices. Deleting needs the password. */
export function addDeviceRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  // The spec's guest access module lets guests list, read and rename their devices, not delete them.
  const deletes = { access: "user", middleware: [deps.limits.write] } as const;
  const devices = () => deps.userApi().devices;
  const device = "/_matrix/client/v3/devices/{deviceId}";

  routes.get("/_matrix/client/v3/devices", { access: "guest" }, async ({ ctx, user }) => {
    ctx.body = { devices: (await devices().listDevices(user.userId)).map(deviceJson) };
  });

  routes.get(device, { access: "guest" }, async ({ ctx, user, params }) => {
    const found = await devices().getDevice(user.userId, params.deviceId);
    if (!found) throw notFound("Unknown device");
    ctx.body = deviceJson(found);
  });

  routes.put(device, { access: "guest", middleware: [deps.limits.write] }, async ({ ctx, user, params, body }) => {
    const displayName = optionalBoundedString(body, "display_name", MAX_DEVICE_NAME_LENGTH);
    const found = await devices().getDevice(user.userId, params.deviceId);
    if (!found) throw notFound("Unknown device");
    if (displayName !== undefined) await devices().renameDevice(user.userId, params.deviceId, displayName);
    ctx.body = {};
  });

  routes.delete(device, deletes, async (request) => {
    const { ctx, user, params } = request;
    const operation = `delete_device ${params.deviceId}`;
    await deps.interactiveAuth.authorise(request, { operation, flows: PASSWORD_FLOWS, user }, () =>
      devices().deleteDevices(user.userId, [params.deviceId]),
    );
    ctx.body = {};
  });

  routes.post("/_matrix/client/v3/delete_devices", deletes, async (request) => {
    const { ctx, user, body } = request;
    const deviceIds = requiredStringArray(body, "devices");
    // The session is bound to the exact set of devices it was started for.
    const operation = `delete_devices ${JSON.stringify([...deviceIds].sort())}`;
    await deps.interactiveAuth.authorise(request, { operation, flows: PASSWORD_FLOWS, user }, () =>
      devices().deleteDevices(user.userId, deviceIds),
    );
    ctx.body = {};
  });
}
