import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate } from "../../internal/http/auth.js";
import { notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import type { Device } from "../../userapi/api/userapi.js";
import { PASSWORD_FLOWS } from "../auth/interactive-auth.js";
import { optionalBoundedString, requiredStringArray } from "../validate.js";
import { route, type RouteDeps } from "./deps.js";
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
export function addDeviceRoutes(router: Router, deps: RouteDeps): void {
  const signedIn = authenticate(deps.lookupToken);
  // The spec's guest access module lets guests list, read and rename their devices, not delete them.
  const guestsToo = authenticate(deps.lookupToken, { allowGuests: true });
  const devices = () => deps.userApi().devices;

  router.get(
    "/_matrix/client/v3/devices",
    route([guestsToo], async (ctx: Koa.Context) => {
      ctx.body = { devices: (await devices().listDevices((ctx.state as RequestState).user!.userId)).map(deviceJson) };
    }),
  );

  router.get(
    "/_matrix/client/v3/devices/{deviceId}",
    route([guestsToo], async (ctx: Koa.Context) => {
      const { user, params } = ctx.state as RequestState;
      const device = await devices().getDevice(user!.userId, params.deviceId!);
      if (!device) throw notFound("Unknown device");
      ctx.body = deviceJson(device);
    }),
  );

  router.put(
    "/_matrix/client/v3/devices/{deviceId}",
    route([guestsToo, deps.limits.write], async (ctx: Koa.Context) => {
      const { user, params, body } = ctx.state as RequestState;
      const displayName = optionalBoundedString(body, "display_name", MAX_DEVICE_NAME_LENGTH);
      const device = await devices().getDevice(user!.userId, params.deviceId!);
      if (!device) throw notFound("Unknown device");
      if (displayName !== undefined) await devices().renameDevice(user!.userId, params.deviceId!, displayName);
      ctx.body = {};
    }),
  );

  router.delete(
    "/_matrix/client/v3/devices/{deviceId}",
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { user, params } = ctx.state as RequestState;
      const operation = `delete_device ${params.deviceId}`;
      await deps.interactiveAuth.authorise(ctx, { operation, flows: PASSWORD_FLOWS, user }, () =>
        devices().deleteDevices(user!.userId, [params.deviceId!]),
      );
      ctx.body = {};
    }),
  );

  router.post(
    "/_matrix/client/v3/delete_devices",
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { user, body } = ctx.state as RequestState;
      const deviceIds = requiredStringArray(body, "devices");
      // The session is bound to the exact set of devices it was started for.
      const operation = `delete_devices ${JSON.stringify([...deviceIds].sort())}`;
      await deps.interactiveAuth.authorise(ctx, { operation, flows: PASSWORD_FLOWS, user }, () => devices().deleteDevices(user!.userId, deviceIds));
      ctx.body = {};
    }),
  );
}
