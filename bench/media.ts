/**
 * `npm run bench -- media`: the media repository on the monolith from the built CLI
 * (embedded database), as one client uses it over loopback:
 * - upload and download throughput of a 20 MiB file (median of 5 each);
 * - thumbnails generated per second from a 2000×2000 JPEG (96×96 crop, each of 20 media
 *   IDs once, one request after another, so every request decodes and resizes);
 * - the server's resident memory before and at its peak (sampled every 20 ms) while a
 *   100 MiB upload streams in, and the same for its download.
 * Rate limits are off. The machine's speed is measured first: figures compare only beside it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { Readable } from "node:stream";
import sharp from "sharp";
import { startMonolith, type Deployment } from "../testing/deployment.js";
import { TestClient, uniqueName } from "../testing/test-client.js";
import { residentMiB } from "./process-stats.js";
import { report, reportMachineSpeed } from "./report.js";

const MiB = 1024 * 1024;

/** The monolith's process ID: the process whose command line names the deployment's config. */
function serverPid(server: Deployment): number {
  const config = `${server.dataDir}/dendrite.yaml`;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(config)) return Number(entry);
    } catch {
      // The process ended while the list was read.
    }
  }
  throw new Error("the server process was not found");
}

/** Streams `size` bytes (not all alike, so nothing compresses them) to POST /upload; resolves with the media ID. */
function upload(server: Deployment, token: string, size: number, seed = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + seed) % 251;
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= size) return this.push(null);
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        this.push(chunk.subarray(0, n));
      },
    });
    const req = request(
      new URL("/_matrix/media/v3/upload", server.baseUrl),
      { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`upload answered ${res.statusCode}: ${text}`));
          resolve((JSON.parse(text) as { content_uri: string }).content_uri.split("/").pop()!);
        });
      },
    );
    req.on("error", reject);
    body.pipe(req);
  });
}

/** Downloads a media item, counting its bytes without keeping them. */
async function download(server: Deployment, token: string, path: string): Promise<number> {
  const res = await fetch(new URL(path, server.baseUrl), { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  let n = 0;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) n += part.length;
  return n;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, (performance.now() - start) / 1000];
}

/** Runs `work` while sampling the server's memory; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<number> {
  let peak = residentMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, residentMiB(pid))), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, residentMiB(pid));
}

export async function run(): Promise<void> {
  reportMachineSpeed("before media");
  const server = await startMonolith({ DENDRITE_RATE_LIMIT_ENABLED: "false", DENDRITE_MEDIA_MAX_UPLOAD_BYTES: String(200 * MiB) });
  try {
    const pid = serverPid(server);
    const client = await new TestClient(server.baseUrl).register(uniqueName("bench"));
    const token = client.accessToken;
    const mediaPath = (id: string) => `/_matrix/client/v1/media/download/${server.serverName}/${id}`;

    const uploads: number[] = [];
    const downloads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [id, up] = await timed(() => upload(server, token, 20 * MiB, i));
      uploads.push(20 / up);
      const [, down] = await timed(() => download(server, token, mediaPath(id)));
      downloads.push(20 / down);
    }
    report("media: upload 20 MiB (median of 5)", median(uploads), "MiB/s");
    report("media: download 20 MiB (median of 5)", median(downloads), "MiB/s");

    const jpeg = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: { r: 40, g: 120, b: 200 } } })
      .composite([{ input: Buffer.from('<svg width="2000" height="2000"><circle cx="1000" cy="1000" r="800" fill="orange"/></svg>') }])
      .jpeg()
      .toBuffer();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(new URL("/_matrix/media/v3/upload", server.baseUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" },
        body: new Uint8Array(jpeg),
      });
      ids.push(((await res.json()) as { content_uri: string }).content_uri.split("/").pop()!);
    }
    const [, thumbSeconds] = await timed(async () => {
      for (const id of ids) {
        const res = await fetch(
          new URL(`/_matrix/client/v1/media/thumbnail/${server.serverName}/${id}?width=96&height=96&method=crop`, server.baseUrl),
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        if (res.status !== 200) throw new Error(`thumbnail answered ${res.status}`);
        await res.arrayBuffer();
      }
    });
    report("media: thumbnails of a 2000x2000 JPEG", ids.length / thumbSeconds, "thumbnails/s");

    const before = residentMiB(pid);
    let bigId = "";
    const uploadPeak = await peakRss(pid, async () => (bigId = await upload(server, token, 100 * MiB, 99)));
    const downloadPeak = await peakRss(pid, () => download(server, token, mediaPath(bigId)));
    report("media: server RSS before the 100 MiB upload", before, "MiB");
    report("media: server RSS peak during the 100 MiB upload", uploadPeak, "MiB");
    report("media: server RSS peak during its download", downloadPeak, "MiB");
  } finally {
    await server.stop();
  }
}
