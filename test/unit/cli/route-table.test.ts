import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { ingressYaml, methodSplitPaths } from "../../../cli/ingress.js";
import { routesByComponent } from "../../../cli/route-list.js";
import { ROUTE_TABLE, componentFor } from "../../../cli/route-table.js";

const INGRESS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docker", "kubernetes", "ingress.yaml");

/** A request path for a template: each parameter filled with a plausible value. */
function samplePath(template: string): string {
  return template.replace(/\{[^}]+\}/g, (p) => (p === "{roomId}" ? "!room%3Aexample.org" : p === "{userId}" ? "@u%3Aexample.org" : "x"));
}

/**
 * The backend ingress-nginx picks for a path, as it reads the committed Ingress: every path
 * a case-insensitive regular expression anchored at the start, longer paths tried first.
 */
function ingressBackend(rules: { path: string; backend: string }[], path: string): string | undefined {
  const ordered = [...rules].sort((a, b) => b.path.length - a.path.length);
  return ordered.find((r) => new RegExp(`^${r.path}`, "i").test(path))?.backend;
}

function committedIngressRules(): { path: string; backend: string }[] {
  const ingress = parseAllDocuments(readFileSync(INGRESS, "utf8"))[0]!.toJS() as Record<string, any>;
  return ingress.spec.rules[0].http.paths.map((p: any) => ({ path: p.path, backend: p.backend.service.name }));
}

describe("the route table", () => {
  const key = (r: { method: string; template: string }) => `${r.method} ${r.template}`;

  it("holds exactly the routes each component registers, each once", () => {
    const registered = routesByComponent();
    for (const [component, routes] of registered) {
      const inTable = ROUTE_TABLE.filter((e) => e.component === component)
        .map(key)
        .sort();
      expect(routes.map(key).sort(), component).to.deep.equal(inTable);
    }
    const components = new Set(registered.keys());
    expect(ROUTE_TABLE.filter((e) => !components.has(e.component)).map(key), "routes of components that do not exist").to.deep.equal([]);
    expect(new Set(ROUTE_TABLE.map(key)).size).to.equal(ROUTE_TABLE.length);
  });

  it("routes every request of the table to its component, and unknown paths to their prefix's", () => {
    for (const entry of ROUTE_TABLE) expect(componentFor(entry.method, samplePath(entry.template)), key(entry)).to.equal(entry.component);
    expect(componentFor("GET", "/_matrix/client/v3/rooms/!r%3Ax/state")).to.equal("syncapi");
    expect(componentFor("POST", "/_matrix/client/v3/user/@u%3Ax/filter")).to.equal("clientapi");
    expect(componentFor("GET", "/_matrix/client/unstable/org.example/nothing")).to.equal("clientapi");
    expect(componentFor("GET", "/_matrix/federation/v1/nothing")).to.equal("federationapi");
    expect(componentFor("GET", "/elsewhere")).to.equal(null);
  });

  describe("the Kubernetes Ingress", () => {
    it("is what `npm run generate-ingress` makes from the table", () => {
      expect(readFileSync(INGRESS, "utf8")).to.equal(ingressYaml());
    });

    it("sends every route's requests to the component that serves it", () => {
      const rules = committedIngressRules();
      for (const entry of ROUTE_TABLE) expect(ingressBackend(rules, samplePath(entry.template)), key(entry)).to.equal(entry.component);
      // An Ingress routes by path only: one component serves every method of each path.
      expect(methodSplitPaths()).to.deep.equal([]);
      // GET of one state event went to the syncapi while PUT went to the clientapi (issue 13.3).
      for (const path of ["/state/m.room.name/", "/state/m.room.name", "/state/m.room.member/@u%3Ax"]) {
        for (const method of ["GET", "PUT"]) {
          expect(componentFor(method, `/_matrix/client/v3/rooms/!r%3Ax${path}`), `${method} ${path}`).to.equal("clientapi");
        }
        expect(ingressBackend(rules, `/_matrix/client/v3/rooms/!r%3Ax${path}`), path).to.equal("clientapi");
      }
      // What issue 13 found routed to the component that does not serve it.
      expect(ingressBackend(rules, "/_matrix/client/v3/rooms/!r%3Ax/state")).to.equal("syncapi");
      expect(ingressBackend(rules, "/_matrix/client/v3/presence/@u%3Ax/status")).to.equal("syncapi");
      expect(ingressBackend(rules, "/_matrix/client/v3/sendToDevice/m.test/t1")).to.equal("syncapi");
      expect(ingressBackend(rules, "/_matrix/client/v3/user/@u%3Ax/filter")).to.equal("clientapi");
      expect(ingressBackend(rules, "/_matrix/client/v3/unknown")).to.equal("clientapi");
    });

    it("routes only to Services that are deployed, on their HTTP ports", () => {
      const dir = dirname(INGRESS);
      const services = new Map<string, number>();
      for (const file of ["clientapi", "syncapi", "federationapi", "roomserver", "userapi", "mediaapi"]) {
        let text: string;
        try {
          text = readFileSync(join(dir, `${file}.yaml`), "utf8");
        } catch {
          continue;
        }
        for (const doc of parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>)) {
          if (doc?.kind !== "Service") continue;
          const http = doc.spec.ports.find((p: any) => p.name === "http");
          if (http) services.set(doc.metadata.name, http.port);
        }
      }
      const ingress = parseAllDocuments(readFileSync(INGRESS, "utf8"))[0]!.toJS() as Record<string, any>;
      for (const p of ingress.spec.rules[0].http.paths) {
        expect(services.get(p.backend.service.name), p.path).to.equal(p.backend.service.port.number);
      }
    });
  });
});
