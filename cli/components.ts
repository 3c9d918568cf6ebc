import { createClientApi } from "../components/clientapi/clientapi.js";
import { createMediaApi } from "../components/mediaapi/mediaapi.js";
import { createFederationApi } from "../components/federationapi/federationapi.js";
import type { ComponentName } from "../components/internal/config/types.js";
import type { Component, ComponentDeps } from "../components/internal/component.js";
import type { RoomserverApi } from "../components/roomserver/api/roomserver-api.js";
import { roomserverGrpcClient } from "../components/roomserver/grpc/client.js";
import { createRoomserver } from "../components/roomserver/roomserver.js";
import { createSyncApi } from "../components/syncapi/syncapi.js";
import type { UserApi } from "../components/userapi/api/userapi.js";
import { createCachingUserApiClient } from "../components/userapi/grpc/caching-client.js";
import { createUserApi } from "../components/userapi/userapi.js";

/**
 * The APIs components call on each other, by component. A component reaches a peer only
 * through this interface: in-process when the peer runs in the same process (the
 * monolith), through the peer's gRPC client adapter otherwise (the polylith).
 */
export interface PeerApis {
  roomserver: RoomserverApi;
  userapi: UserApi;
}

export type Peers = { readonly [K in keyof PeerApis]: () => PeerApis[K] };

/** What a client of a component in another process may use besides its address. */
export type RemoteDeps = Pick<ComponentDeps, "log" | "logger"> & {
  /** The secret every gRPC call between components carries (internal/grpc/auth.ts). */
  readonly grpcSecret: string;
};

export interface ComponentWiring {
  /** Builds the component; `api` on the result is what its peers call in-process. */
  create(deps: ComponentDeps, peers: Peers): Component;
  /** A client of the component's gRPC services implementing its API, for other processes. */
  remote?(address: string, deps: RemoteDeps): unknown;
}

/**
 * Every component: the one place that knows them all. Listed in dependency order, so a
 * component's in-process peers exist before it is built. A component whose issue has not
 * landed yet is absent, and running it alone says so.
 */
export const COMPONENTS: Partial<Record<ComponentName, ComponentWiring>> = {
  roomserver: { create: (deps) => createRoomserver(deps), remote: (address, deps) => roomserverGrpcClient(address, deps.grpcSecret) },
  userapi: {
    create: (deps) => createUserApi(deps),
    remote: (address, deps) => createCachingUserApiClient(address, deps.grpcSecret, deps.log, deps.logger),
  },
  clientapi: { create: (deps, peers) => createClientApi(deps, peers) },
  syncapi: { create: (deps, peers) => createSyncApi(deps, peers) },
  federationapi: { create: (deps) => createFederationApi(deps) },
  mediaapi: { create: (deps, peers) => createMediaApi(deps, peers) },
};

/**
 * Peers for a process running `local`: the in-process API of a local component, or a gRPC
 * client (made once, on first use) of a remote one at its configured address.
 */
export function makePeers(
  local: ReadonlyMap<ComponentName, Component>,
  grpcAddress: (name: ComponentName) => string,
  deps: RemoteDeps,
): Peers {
  const remotes = new Map<ComponentName, unknown>();
  const peer = (name: ComponentName) => () => {
    const component = local.get(name);
    if (component) {
      if (component.api === undefined) throw new Error(`component ${name} has no API`);
      return component.api;
    }
    let client = remotes.get(name);
    if (client === undefined) {
      const wiring = COMPONENTS[name];
      if (!wiring?.remote) throw new Error(`component ${name} cannot be reached from another process yet`);
      client = wiring.remote(grpcAddress(name), deps);
      remotes.set(name, client);
    }
    return client;
  };
  const peers: Record<string, () => unknown> = {};
  for (const name of Object.keys(COMPONENTS) as ComponentName[]) peers[name] = peer(name);
  return peers as unknown as Peers;
}
