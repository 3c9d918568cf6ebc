import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { COMPONENTS } from "../../cli/components.js";
import { validateConfig } from "../../components/internal/config/load.js";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docker", "kubernetes");

/** Every object of every manifest. */
function manifests(): Array<Record<string, any>> {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), "utf8")).map((doc) => doc.toJS() as Record<string, any>));
}

describe("the Kubernetes manifests", () => {
  const objects = manifests();
  const deployments = objects.filter((o) => o.kind === "Deployment");

  it("hold a config that validates, reading the gRPC secret from the mounted Secret", () => {
    const configMap = objects.find((o) => o.kind === "ConfigMap")!;
    const config = validateConfig(parseAllDocuments(configMap.data["dendrite.yaml"])[0]!.toJS());
    expect(config.grpc.secret_path).to.equal("/etc/dendrite/grpc/grpc.secret");
    expect(config.http.trusted_proxies).to.not.deep.equal([]);
    const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === "dendrite-grpc-secret");
    expect(secret?.stringData).to.have.property("grpc.secret");
  });

  it("deploy every implemented component and nothing else (a component that exits 2 would crash-loop)", () => {
    const implemented = Object.keys(COMPONENTS).sort();
    expect(deployments.map((d) => d.metadata.name).sort()).to.deep.equal(implemented);
    for (const deployment of deployments) {
      expect(deployment.spec.template.spec.containers[0].args.slice(0, 1), deployment.metadata.name).to.deep.equal([
        deployment.metadata.name,
      ]);
    }
    const services = objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name);
    expect(services.filter((name) => !implemented.includes(name))).to.deep.equal([]);
  });

  it("give every component the gRPC secret", () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const volume = pod.volumes.find((v: any) => v.secret?.secretName === "dendrite-grpc-secret");
      expect(volume, deployment.metadata.name).to.not.equal(undefined);
      const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === volume.name);
      expect(mount, deployment.metadata.name).to.include({ mountPath: "/etc/dendrite/grpc", readOnly: true });
    }
  });

  it("admit only the components to every gRPC port", () => {
    const policy = objects.find((o) => o.kind === "NetworkPolicy")!;
    expect(policy.spec.podSelector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "dendrite-ts" });
    const grpcRules = policy.spec.ingress.filter((rule: any) => rule.ports.some((p: any) => p.port === "grpc"));
    expect(grpcRules).to.have.length(1);
    expect(grpcRules[0].from).to.deep.equal([{ podSelector: { matchLabels: { "app.kubernetes.io/name": "dendrite-ts" } } }]);
    // The policy's port name is every component's gRPC port, and only that.
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.labels["app.kubernetes.io/name"]).to.equal("dendrite-ts");
      const ports = deployment.spec.template.spec.containers[0].ports as Array<{ name: string; containerPort: number }>;
      expect(ports.filter((p) => p.name === "grpc").map((p) => p.containerPort)).to.have.length(1);
      expect(ports.every((p) => p.name === "grpc" || p.name === "http" || p.name === "metrics")).to.equal(true);
      // A component without an HTTP port serves its metrics on a port of their own.
      if (!ports.some((p) => p.name === "http")) expect(ports.filter((p) => p.name === "metrics")).to.have.length(1);
    }
  });
});
