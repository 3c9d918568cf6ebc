import type { Component, ComponentDeps } from "../internal/component.js";
import { Router } from "../internal/http/router.js";
import { addVersionsRoutes } from "./routing/versions.js";

/** The client-server API writers (and, for now, the discovery endpoints clients call first). */
export function createClientApi(_deps: ComponentDeps): Component {
  const router = new Router();
  addVersionsRoutes(router);
  return { name: "clientapi", router };
}
