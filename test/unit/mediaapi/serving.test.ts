import { expect } from "chai";
import { parseRange } from "../../../components/mediaapi/download/byte-range.js";
import { contentDisposition } from "../../../components/mediaapi/download/content-disposition.js";
import { nearestSize } from "../../../components/mediaapi/thumbnails/sizes.js";

describe("mediaapi: serving rules", () => {
  it("reads one byte range, ignores what it cannot serve, and finds ranges past the end", () => {
    expect(parseRange(undefined, 10)).to.equal(null);
    expect(parseRange("bytes=0-0", 10)).to.deep.equal({ start: 0, end: 0 });
    expect(parseRange("bytes=3-100", 10)).to.deep.equal({ start: 3, end: 9 });
    expect(parseRange("bytes=-4", 10)).to.deep.equal({ start: 6, end: 9 });
    expect(parseRange("bytes=-40", 10)).to.deep.equal({ start: 0, end: 9 });
    expect(parseRange("bytes=10-", 10)).to.equal("unsatisfiable");
    expect(parseRange("bytes=-0", 10)).to.equal("unsatisfiable");
    // Served whole: several ranges, another unit, a reversed range, nonsense.
    for (const header of ["bytes=0-1,3-4", "items=0-1", "bytes=5-2", "bytes=-", "bytes=a-b"])
      expect(parseRange(header, 10), header).to.equal(null);
  });

  it("shows only safe types inline, and encodes any file name so it cannot break the header", () => {
    expect(contentDisposition("image/png", "a.png")).to.equal("inline; filename*=utf-8''a.png");
    expect(contentDisposition("Text/Plain; charset=utf-8", null)).to.equal("inline");
    for (const type of ["text/html", "image/svg+xml", "application/javascript", "application/pdf", "text/xml"]) {
      expect(contentDisposition(type, null), type).to.equal("attachment");
    }
    expect(contentDisposition("application/pdf", "x\";\r\nSet-Cookie: a=b (1)'.pdf")).to.equal(
      "attachment; filename*=utf-8''x%22%3B%0D%0ASet-Cookie%3A%20a%3Db%20%281%29%27.pdf",
    );
  });

  it("serves the smallest recommended thumbnail at least as large as asked", () => {
    expect(nearestSize(1, 1, "crop")).to.deep.equal({ width: 32, height: 32, method: "crop" });
    expect(nearestSize(33, 20, "crop")).to.deep.equal({ width: 96, height: 96, method: "crop" });
    expect(nearestSize(200, 200, "crop")).to.deep.equal({ width: 320, height: 240, method: "scale" });
    expect(nearestSize(32, 32, "scale")).to.deep.equal({ width: 320, height: 240, method: "scale" });
    expect(nearestSize(641, 100, "scale")).to.deep.equal({ width: 800, height: 600, method: "scale" });
    expect(nearestSize(5000, 5000, "scale")).to.deep.equal({ width: 800, height: 600, method: "scale" });
  });
});
