import { expect } from "chai";
import type { MatrixClient } from "matrix-js-sdk";
import sharp from "sharp";
import { suiteVariant } from "../../../testing/backends.js";
import { startMonolith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { registerSdkClient } from "../syncapi/sdk-client.js";
import { pngOf } from "./media-files.js";

/** What a client fetches at a URL the SDK made, with its own token (authenticated media). */
async function fetchAs(client: MatrixClient, url: string): Promise<Response> {
  return fetch(url, { headers: { Authorization: `Bearer ${client.getAccessToken()}` } });
}

/**
 * matrix-js-sdk uploads an avatar through the mediaapi and sets it on its profile; another
 * client finds it in the profile and downloads it and a thumbnail through the URLs the SDK
 * builds for authenticated media, against the monolith from the built CLI.
 */
describe("matrix-js-sdk media: monolith", function () {
  this.timeout(60_000);
  let server: Deployment | undefined;
  suiteVariant("mediaapi:js-sdk");
  before(async function () {
    this.timeout(DEPLOYMENT_START_BUDGET_MS);
    server = await startMonolith({ DENDRITE_RATE_LIMIT_ENABLED: "false" });
  });
  after(async () => server?.stop());

  it("one client uploads an avatar; another downloads it and its thumbnail", async () => {
    const alice = await registerSdkClient(server!, "alice");
    const bob = await registerSdkClient(server!, "bob");
    const avatar = await pngOf(256, 256);

    const { content_uri: mxc } = await alice.uploadContent(new Blob([new Uint8Array(avatar)], { type: "image/png" }), {
      name: "avatar.png",
      type: "image/png",
    });
    expect(mxc).to.match(new RegExp(`^mxc://${server!.serverName.replace(/\./g, "\\.")}/`));
    await alice.setAvatarUrl(mxc);

    const profile = await bob.getProfileInfo(alice.getUserId()!);
    expect(profile.avatar_url).to.equal(mxc);
    const downloadUrl = bob.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true)!;
    expect(downloadUrl).to.include("/_matrix/client/v1/media/download/");
    const download = await fetchAs(bob, downloadUrl);
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(avatar)).to.equal(true);

    const thumbnailUrl = bob.mxcUrlToHttp(mxc, 96, 96, "crop", false, true, true)!;
    expect(thumbnailUrl).to.include("/_matrix/client/v1/media/thumbnail/");
    const thumbnail = await fetchAs(bob, thumbnailUrl);
    expect(thumbnail.status).to.equal(200);
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).to.deep.equal([96, 96]);

    // Without a token, the same URL is refused: media is authenticated.
    expect((await fetch(downloadUrl)).status).to.equal(401);
  });
});
