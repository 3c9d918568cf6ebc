import type Koa from "koa";
import { invalidParam, methodNotAllowed, unrecognized } from "./matrix-error.js";

export type Handler = (ctx: Koa.Context) => Promise<void> | void;

export interface RouteOptions {
  /** The handler reads the body itself (media upload); no JSON parsing. */
  rawBody?: boolean;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  options: RouteOptions;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  options: RouteOptions;
}

/**
 * Routes by method and path template (`/rooms/{roomId}/send/{eventType}/{txnId}`). A path
 * that matches no template is 404 M_UNRECOGNIZED; one that matches with another method
 * is 405 M_UNRECOGNIZED, as the spec asks. Parameters are percent-decoded.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler, options: RouteOptions = {}): this {
    this.routes.push({ method: method.toUpperCase(), segments: template.split("/"), handler, options });
    return this;
  }
  get(template: string, handler: Handler, options?: RouteOptions) {
    return this.add("GET", template, handler, options);
  }
  post(template: string, handler: Handler, options?: RouteOptions) {
    return this.add("POST", template, handler, options);
  }
  put(template: string, handler: Handler, options?: RouteOptions) {
    return this.add("PUT", template, handler, options);
  }
  delete(template: string, handler: Handler, options?: RouteOptions) {
    return this.add("DELETE", template, handler, options);
  }

  /** Adds every route of another router (each component contributes one). */
  mount(other: Router): this {
    this.routes.push(...other.routes);
    return this;
  }

  /** Finds the route for a request, or throws the Matrix error the client should get. */
  match(method: string, path: string): RouteMatch {
    const segments = path.split("/");
    const wanted = method === "HEAD" ? "GET" : method;
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathKnown = true;
      if (route.method === wanted) return { handler: route.handler, params: decodeParams(params), options: route.options };
    }
    throw pathKnown ? methodNotAllowed(method) : unrecognized();
  }
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | null {
  if (template.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.startsWith("{") && t.endsWith("}")) {
      if (actual[i] === "") return null;
      params[t.slice(1, -1)] = actual[i]!;
    } else if (t !== actual[i]) {
      return null;
    }
  }
  return params;
}

function decodeParams(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      throw invalidParam(`path parameter ${name} is not valid percent-encoding`);
    }
  }
  return out;
}
