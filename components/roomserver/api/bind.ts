import type { RoomserverApi, RoomserverPerformApi, RoomserverReaderApi, RoomserverWriterApi } from "./roomserver-api.js";

/** Joins the query and perform implementations into one RoomserverApi object (methods bound). */
export function bindApi(queries: RoomserverWriterApi & RoomserverReaderApi, performer: RoomserverPerformApi): RoomserverApi {
  const api: Record<string, unknown> = {};
  for (const impl of [queries, performer] as object[]) {
    const proto = Object.getPrototypeOf(impl) as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor" || name.startsWith("_")) continue;
      const method = (impl as Record<string, unknown>)[name];
      if (typeof method === "function" && (name.startsWith("query") || name.startsWith("perform"))) {
        api[name] = method.bind(impl);
      }
    }
  }
  return api as unknown as RoomserverApi;
}
