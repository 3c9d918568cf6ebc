import { createClientApi } from "../components/clientapi/clientapi.js";
import { createFederationApi } from "../components/federationapi/federationapi.js";
import type { ComponentName } from "../components/internal/config/types.js";
import type { Component, ComponentDeps } from "../components/internal/component.js";

/**
 * Every component's factory: the one place that knows all components. A component whose
 * issue has not landed yet has no factory, and running it alone says so.
 */
export const COMPONENT_FACTORIES: Partial<Record<ComponentName, (deps: ComponentDeps) => Component>> = {
  clientapi: createClientApi,
  federationapi: createFederationApi,
};
