import type Koa from "koa";
import { textProblem } from "../database/storable-text.js";
import { invalidParam, methodNotAllowed, unrecognized } from "./matrix-error.js";

export type Handler = (ctx: Koa.Context) => Promise<void> | void;

export interface RouteOptions {
  /** The handler reads the body itself (media upload); no JSON parsing. */
  rawBody?: boolean;
  /**
   * The body is event content, where Matrix allows U+0000 in strings (event JSON keeps it
   * escaped, byte for byte). Every other body is refused with U+0000 anywhere in it, since
   * what it holds ends up in text or jsonb columns, which cannot hold it.
   */
  eventContentBody?: boolean;
}

/** A route as listed by `Router.routes()`: what a client may call. */
export interface RouteInfo {
  readonly method: string;
  /** The path template, parameters in braces: `/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}`. */
  readonly template: string;
  readonly options: RouteOptions;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  options: RouteOptions;
}

export interface RouteMatch {
  handler: Handler;
  /** The matched route's path template, for metrics and logs that must not hold raw paths. */
  template: string;
  params: Record<string, string>;
  options: RouteOptions;
}

/**
 * Routes by method and path template (`/rooms/{roomId}/send/{eventType}/{txnId}`). A path
 * that matches no template is 404 M_UNRECOGNIZED; one that matches with another method
 * is 405 M_UNRECOGNIZED, as the spec asks. Parameters are percent-decoded; one that does not
 * decode to text the server can store (bad percent-encoding or UTF-8, U+0000, a lone
 * surrogate) is 400 M_INVALID_PARAM.
 */
export class Router {
  private readonly table: Route[] = [];

  add(method: string, template: string, handler: Handler, options: RouteOptions = {}): this {
    this.table.push({ method: method.toUpperCase(), segments: template.split("/"), handler, options });
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
    this.table.push(...other.table);
    return this;
  }

  /** Every route, in the order added (tests enumerate what a server serves from this). */
  routes(): RouteInfo[] {
    return this.table.map((r) => ({ method: r.method, template: r.segments.join("/"), options: r.options }));
  }

  /** Finds the route for a request, or throws the Matrix error the client should get. */
  match(method: string, path: string): RouteMatch {
    const segments = path.split("/");
    const wanted = method === "HEAD" ? "GET" : method;
    let pathKnown = false;
    for (const route of this.table) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathKnown = true;
      if (route.method === wanted) {
        return { handler: route.handler, template: route.segments.join("/"), params: decodeParams(params), options: route.options };
      }
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
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      throw invalidParam(`path parameter ${name} is not valid percent-encoding`);
    }
    const problem = textProblem(decoded);
    if (problem) throw invalidParam(`path parameter ${name} ${problem}`);
    out[name] = decoded;
  }
  return out;
}
