import { expect } from "chai";
import { PassThrough } from "node:stream";
import type Koa from "koa";
import { createHttpApp, type RequestState } from "../../../components/internal/http/app.js";
import { TrustedProxies } from "../../../components/internal/http/client-address.js";
import { HttpListener } from "../../../components/internal/http/listen.js";
import { forbidden } from "../../../components/internal/http/matrix-error.js";
import { Router } from "../../../components/internal/http/router.js";
import { createLogger } from "../../../components/internal/logging/logger.js";
import { MAX_JSON_DEPTH } from "../../../components/protocol/json/canonical.js";

describe("HTTP plumbing", () => {
  let listener: HttpListener;
  let base: string;
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    const sink = new PassThrough();
    sink.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line) logLines.push(JSON.parse(line));
    });
    const router = new Router()
      .post("/_matrix/client/v3/echo/{thing}", (ctx: Koa.Context) => {
        const state = ctx.state as RequestState;
        state.log.info("handler ran");
        ctx.body = { thing: state.params.thing, body: state.body, token: state.accessToken };
      })
      .get("/_matrix/client/v3/echo/{thing}", (ctx: Koa.Context) => {
        ctx.body = { thing: (ctx.state as RequestState).params.thing, token: (ctx.state as RequestState).accessToken };
      })
      .put(
        "/_matrix/client/v3/content/{thing}",
        (ctx: Koa.Context) => {
          ctx.body = { body: (ctx.state as RequestState).body };
        },
        { eventContentBody: true },
      )
      .get("/_matrix/client/v3/forbidden", () => {
        throw forbidden("not for you");
      })
      .get("/_matrix/client/v3/crash", () => {
        throw new Error("bug");
      });
    const logger = createLogger("info", sink);
    const trustedProxies = new TrustedProxies([]);
    const app = createHttpApp({ logger, router, maxJsonBodyBytes: 1000, trustedProxies });
    const limits = { headersMs: 10_000, requestMs: 10_000, keepAliveMs: 10_000, maxPerAddress: 0 };
    listener = await HttpListener.start(app, "127.0.0.1:0", { limits, trustedProxies, logger });
    base = `http://127.0.0.1:${listener.port}`;
  });
  after(async () => {
    await listener.stop();
  });

  async function expectMatrixError(res: Response, status: number, errcode: string): Promise<void> {
    expect(res.status).to.equal(status);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    expect(res.headers.get("content-type")).to.equal("application/json");
    const body = (await res.json()) as { errcode: string; error: string };
    expect(body.errcode).to.equal(errcode);
    expect(body.error).to.be.a("string").and.not.equal("");
  }

  it("answers an unknown path with 404 M_UNRECOGNIZED", async () => {
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/nope`), 404, "M_UNRECOGNIZED");
    await expectMatrixError(await fetch(`${base}/anything`), 404, "M_UNRECOGNIZED");
  });

  it("answers a known path with the wrong method with 405 M_UNRECOGNIZED", async () => {
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "DELETE" }), 405, "M_UNRECOGNIZED");
  });

  it("answers a body over the limit with 413 M_TOO_LARGE, declared or streamed", async () => {
    const big = JSON.stringify({ pad: "x".repeat(2000) });
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: big }), 413, "M_TOO_LARGE");
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const res = await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: chunked, duplex: "half" } as RequestInit);
    await expectMatrixError(res, 413, "M_TOO_LARGE");
  });

  it("answers unparseable JSON with 400 M_NOT_JSON", async () => {
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: "{nope" }), 400, "M_NOT_JSON");
  });

  it("answers a body that is not valid UTF-8 with 400 M_NOT_JSON, not with U+FFFD in its place", async () => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body }), 400, "M_NOT_JSON");
  });

  for (const body of ["[1,2]", '"text"', "42", "null"]) {
    it(`answers JSON that is not an object (${body}) with 400 M_BAD_JSON`, async () => {
      await expectMatrixError(await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body }), 400, "M_BAD_JSON");
    });
  }

  it("answers a body that is not UTF-8 with 400 M_NOT_JSON instead of replacing the bytes", async () => {
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    await expectMatrixError(
      await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: new Uint8Array(body) }),
      400,
      "M_NOT_JSON",
    );
  });

  it("answers U+0000 anywhere in a body with 400 M_BAD_JSON, except in event content, which keeps it", async () => {
    for (const body of ['{"a":"x\\u0000"}', '{"a":[{"b":"\\u0000"}]}', '{"\\u0000":1}']) {
      await expectMatrixError(await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body }), 400, "M_BAD_JSON");
    }
    const res = await fetch(`${base}/_matrix/client/v3/content/x`, { method: "PUT", body: '{"a":"x\\u0000","\\u0000":1}' });
    expect(await res.json()).to.deep.equal({ body: { a: "x\u0000", "\u0000": 1 } });
  });

  it("answers a lone surrogate in a body with 400 M_BAD_JSON, event content included", async () => {
    for (const path of ["echo/x", "content/x"]) {
      for (const body of ['{"a":"\\ud800"}', '{"a":"\\udc00\\ud800"}', '{"\\udfff":1}']) {
        await expectMatrixError(
          await fetch(`${base}/_matrix/client/v3/${path}`, { method: path === "echo/x" ? "POST" : "PUT", body }),
          400,
          "M_BAD_JSON",
        );
      }
    }
    const pair = await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: '{"a":"\\ud83d\\ude00"}' });
    expect(((await pair.json()) as { body: unknown }).body).to.deep.equal({ a: "\u{1f600}" });
  });

  it(`answers a body nested deeper than ${MAX_JSON_DEPTH} levels with 400 M_BAD_JSON`, async () => {
    const nested = (levels: number) => `{"a":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    const ok = await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: nested(MAX_JSON_DEPTH) });
    expect(ok.status).to.equal(200);
    await expectMatrixError(
      await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: nested(MAX_JSON_DEPTH + 1) }),
      400,
      "M_BAD_JSON",
    );
  });

  it("answers U+0000 or a bad encoding in a path or query parameter with 400 M_INVALID_PARAM", async () => {
    for (const path of ["echo/a%00b", "echo/%ED%A0%80", "echo/%FF", "echo/x?from=a%00", "echo/x?a%00=1", "echo/x?x=1&x=%00"]) {
      await expectMatrixError(await fetch(`${base}/_matrix/client/v3/${path}`), 400, "M_INVALID_PARAM");
    }
  });

  it("lists its routes", () => {
    const router = new Router().get("/a/{b}", () => {}).put("/c", () => {}, { eventContentBody: true });
    expect(new Router().mount(router).routes()).to.deep.equal([
      { method: "GET", template: "/a/{b}", options: {} },
      { method: "PUT", template: "/c", options: { eventContentBody: true } },
    ]);
  });

  it("passes a JSON object body, decoded path parameters and the access token to the handler", async () => {
    const res = await fetch(`${base}/_matrix/client/v3/echo/%21room%3Aexample.org`, {
      method: "POST",
      headers: { Authorization: "Bearer tok123", "Content-Type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type"), "the bare media type, as Synapse and Dendrite send").to.equal("application/json");
    expect(await res.json()).to.deep.equal({ thing: "!room:example.org", body: { a: 1 }, token: "tok123" });
  });

  it("reads the access token from ?access_token= too", async () => {
    const res = await fetch(`${base}/_matrix/client/v3/echo/x?access_token=qtok`);
    expect(((await res.json()) as { token: string }).token).to.equal("qtok");
  });

  it("refuses an Authorization header that is not a bearer token with 401 M_MISSING_TOKEN", async () => {
    const res = await fetch(`${base}/_matrix/client/v3/echo/x`, { headers: { Authorization: "Basic abc" } });
    await expectMatrixError(res, 401, "M_MISSING_TOKEN");
  });

  it("renders handler errors as Matrix errors and hides internal ones behind 500 M_UNKNOWN", async () => {
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/forbidden`), 403, "M_FORBIDDEN");
    await expectMatrixError(await fetch(`${base}/_matrix/client/v3/crash`), 500, "M_UNKNOWN");
  });

  it("answers every preflight with CORS headers, even for unknown paths", async () => {
    const res = await fetch(`${base}/_matrix/client/v3/whatever`, {
      method: "OPTIONS",
      headers: { Origin: "https://app.element.io", "Access-Control-Request-Method": "PUT" },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    expect(res.headers.get("access-control-allow-methods")).to.contain("PUT");
    expect(res.headers.get("access-control-allow-headers")).to.contain("Authorization");
  });

  it("puts the request id in the response and in every log line of the request", async () => {
    const res = await fetch(`${base}/_matrix/client/v3/echo/x`, { method: "POST", body: "{}" });
    const id = res.headers.get("x-request-id");
    expect(id).to.match(/^[0-9a-f]{12}-[0-9a-z]+$/);
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.filter((l) => l.request_id === id);
    expect(lines.map((l) => l.msg)).to.include.members(["handler ran", "request"]);
    const summary = lines.find((l) => l.msg === "request")!;
    expect(summary).to.include({ method: "POST", path: "/_matrix/client/v3/echo/x", status: 200 });
  });

  it("never logs the access token from the query string", async () => {
    await fetch(`${base}/_matrix/client/v3/echo/x?access_token=secret-token-value`);
    await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify(logLines)).to.not.contain("secret-token-value");
  });
});
