import { badJson, invalidParam } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { isValidUserId } from "../../protocol/index.js";
import type { SendToDeviceMessage } from "../api/log-messages.js";
import { publishSendToDevice } from "../producers/send-to-device.js";
import type { SyncRouteDeps } from "./deps.js";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * PUT /sendToDevice/{eventType}/{txnId}: each message goes on the to-device log under an
 * ID made of sender, device, transaction and recipient, so a retried transaction is stored
 * once (the log drops the republish; the store's unique ID catches a late one). Messages for
 * users of other servers go on the same log, where the federation sender will find them.
 */
export function addSendToDeviceRoutes(routes: TypedRoutes, deps: SyncRouteDeps): void {
  routes.put(
    "/_matrix/client/v3/sendToDevice/{eventType}/{txnId}",
    { access: "guest", middleware: [deps.writeLimit] },
    async ({ ctx, user, params, body }) => {
      if (!isObject(body.messages)) throw badJson("messages must be an object");
      // Everything is checked before anything is published: a refused request sends nothing.
      const messages: SendToDeviceMessage[] = [];
      for (const [userId, devices] of Object.entries(body.messages)) {
        if (!isObject(devices)) throw badJson("messages must map user IDs to objects of device IDs");
        if (!isValidUserId(userId, { historical: true })) throw invalidParam(`${JSON.stringify(userId)} is not a user ID`);
        for (const [deviceId, content] of Object.entries(devices)) {
          if (!isObject(content)) throw badJson("each message must be an object");
          const messageId = `${user.userId}|${user.deviceId}|${params.txnId}|${userId}|${deviceId}`;
          messages.push({ sender: user.userId, userId, deviceId, type: params.eventType, content: JSON.stringify(content), messageId });
        }
      }
      await Promise.all(messages.map((m) => publishSendToDevice(deps.log, m)));
      ctx.body = {};
    },
  );
}
