import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ComponentProxy } from "../../testing/component-proxy.js";

/** An upstream that answers every request with its own name, the method and the path. */
async function upstream(name: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name, method: req.method, url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("the tests' path-routing proxy", () => {
  let proxy: ComponentProxy;
  const upstreams: Server[] = [];
  before(async () => {
    const [syncapi, clientapi] = await Promise.all([upstream("syncapi"), upstream("clientapi")]);
    upstreams.push(syncapi.server, clientapi.server);
    proxy = await ComponentProxy.start({ syncapi: syncapi.url, clientapi: clientapi.url });
  });
  after(async () => {
    await proxy.stop();
    for (const server of upstreams) server.close();
  });

  const via = async (method: string, path: string) => {
    const res = await fetch(`http://127.0.0.1:${proxy.port}${path}`, { method, body: method === "GET" ? undefined : "{}" });
    return { status: res.status, ...((await res.json()) as { name?: string; url?: string }) };
  };

  it("sends each request to the component the route table names for its method and path, once", async () => {
    expect(await via("GET", "/_matrix/client/v3/rooms/!r%3Ax/state")).to.include({ name: "syncapi" });
    expect(await via("GET", "/_matrix/client/v3/rooms/!r%3Ax/state/m.room.name/")).to.include({ name: "clientapi" });
    expect(await via("PUT", "/_matrix/client/v3/rooms/!r%3Ax/state/m.room.name/")).to.include({ name: "clientapi" });
    expect(await via("POST", "/_matrix/client/v3/user/@u%3Ax/filter")).to.include({ name: "clientapi" });
    expect(await via("PUT", "/_matrix/client/v3/sendToDevice/m.test/t1")).to.include({ name: "syncapi" });
    expect(await via("GET", "/_matrix/client/v3/sync?timeout=0")).to.include({ name: "syncapi", url: "/_matrix/client/v3/sync?timeout=0" });
    expect(await via("GET", "/_matrix/client/v3/no-such-endpoint")).to.include({ name: "clientapi" });
  });

  it("answers 502 for a route whose component it has no address for", async () => {
    const res = await via("GET", "/_matrix/federation/v1/version");
    expect(res.status).to.equal(502);
  });
});
