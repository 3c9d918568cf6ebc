import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate } from "../../internal/http/auth.js";
import { chain } from "../../internal/http/chain.js";
import { badJson } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import { SendToDeviceEvent } from "../../../proto/gen/dendrite/edu/v1/edu.js";
import type { SyncRouteDeps } from "./deps.js";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * PUT /sendToDevice/{eventType}/{txnId}: each message goes on the to-device log under an
 * ID made of sender, device, transaction and recipient, so a retried transaction is stored
 * once (the log drops the republish; the store's unique ID catches a late one).
 */
export function addSendToDeviceRoutes(router: Router, deps: SyncRouteDeps): void {
  router.put(
    "/_matrix/client/v3/sendToDevice/{eventType}/{txnId}",
    chain([authenticate(deps.lookupToken, { allowGuests: true }), deps.writeLimit], async (ctx: Koa.Context) => {
      const { user, params, body } = ctx.state as RequestState;
      if (!isObject(body.messages)) throw badJson("messages must be an object");
      const sends: Promise<unknown>[] = [];
      for (const [userId, devices] of Object.entries(body.messages)) {
        if (!isObject(devices)) throw badJson("messages must map user IDs to objects of device IDs");
        for (const [deviceId, content] of Object.entries(devices)) {
          if (!isObject(content)) throw badJson("each message must be an object");
          const messageId = `${user!.userId}|${user!.deviceId}|${params.txnId}|${userId}|${deviceId}`;
          const event: SendToDeviceEvent = {
            sender: user!.userId,
            userId,
            deviceId,
            type: params.eventType!,
            contentJson: Buffer.from(JSON.stringify(content)),
            messageId,
          };
          sends.push(deps.log.publish(`${STREAMS.outputSendToDeviceEvent}.${subjectToken(userId)}`, SendToDeviceEvent.encode(event).finish(), { msgId: messageId }));
        }
      }
      await Promise.all(sends);
      ctx.body = {};
    }),
  );
}
