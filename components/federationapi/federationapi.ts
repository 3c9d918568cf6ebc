import type { Component, ComponentDeps } from "../internal/component.js";
import { Router } from "../internal/http/router.js";
import { addVersionRoutes } from "./routing/version.js";

/** The server-server API, in and out. */
export function createFederationApi(_deps: ComponentDeps): Component {
  const router = new Router();
  addVersionRoutes(router);
  return { name: "federationapi", router };
}
