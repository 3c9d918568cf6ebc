import type { Component, ComponentDeps } from "../components/internal/component.js";
import { validateConfig } from "../components/internal/config/load.js";
import { COMPONENT_NAMES, type ComponentName } from "../components/internal/config/types.js";
import { healthRouter } from "../components/internal/http/health-route.js";
import { Router, type RouteInfo } from "../components/internal/http/router.js";
import { silentLogger } from "../components/internal/logging/logger.js";
import { generateSigningKey } from "../components/protocol/index.js";
import { COMPONENTS, makePeers } from "./components.js";

/**
 * Every component, built for listing what it serves (routes, gRPC services): nothing is
 * started, opened or called.
 */
export function buildComponentsForListing(): Map<ComponentName, Component> {
  const config = validateConfig({ server_name: "routes.invalid" });
  // Building a component only keeps references to these; anything that used them would throw.
  const unused = new Proxy(
    {},
    {
      get: (_, key) => () => {
        throw new Error(`listing components: ${String(key)} used`);
      },
    },
  );
  const deps: ComponentDeps = {
    config,
    logger: silentLogger(),
    db: unused as ComponentDeps["db"],
    log: unused as ComponentDeps["log"],
    signingKey: generateSigningKey("routes"),
  };
  const local = new Map<ComponentName, Component>();
  const peers = makePeers(local, () => "127.0.0.1:1", { ...deps, grpcSecret: "unused while listing routes" });
  for (const name of COMPONENT_NAMES) {
    const wiring = COMPONENTS[name];
    if (wiring) local.set(name, wiring.create(deps, peers));
  }
  return local;
}

/** Each component's HTTP routes, as its router registers them. */
export function routesByComponent(): Map<ComponentName, RouteInfo[]> {
  const out = new Map<ComponentName, RouteInfo[]>();
  for (const [name, component] of buildComponentsForListing()) out.set(name, component.router?.routes() ?? []);
  return out;
}

/**
 * Every HTTP route the monolith serves, read from the components' routers, with the health
 * route every process adds. What the fuzz test sends its requests to, so a new route is
 * covered the day it is added. `only`: the routes of those components alone (a deployment
 * that runs only some of them).
 */
export function listServedRoutes(only?: readonly ComponentName[]): RouteInfo[] {
  const router = new Router().mount(healthRouter({}));
  for (const [name, component] of buildComponentsForListing()) {
    if (component.router && (!only || only.includes(name))) router.mount(component.router);
  }
  return router.routes();
}
