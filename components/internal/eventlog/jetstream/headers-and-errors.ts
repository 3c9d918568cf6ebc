// NATS headers and JetStream API errors, shared by the log and its consumers (its own file so
// the consumer does not import the log that creates it: no import cycle).
import { headers as natsHeaders, type MsgHdrs, type NatsError } from "nats";

const NOT_FOUND = 404;

/** JetStream's "not found" (a stream or consumer that does not exist). */
export function isNotFound(err: unknown): boolean {
  const apiError = (err as NatsError).api_error;
  return apiError?.code === NOT_FOUND;
}

export function toNatsHeaders(headers: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!headers || Object.keys(headers).length === 0) return undefined;
  const h = natsHeaders();
  for (const [k, v] of Object.entries(headers)) h.set(k, v);
  return h;
}

/** Plain headers, without NATS' own (Nats-Msg-Id, Nats-Expected-...). */
export function fromNatsHeaders(headers: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const key of headers.keys()) {
    if (!key.toLowerCase().startsWith("nats-")) out[key] = headers.get(key);
  }
  return out;
}
