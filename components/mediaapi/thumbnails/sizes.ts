export type ThumbnailMethod = "crop" | "scale";

export interface ThumbnailSize {
  readonly width: number;
  readonly height: number;
  readonly method: ThumbnailMethod;
}

/** The sizes the spec recommends servers generate; only these are made, so a client cannot make the server store arbitrary ones. */
export const THUMBNAIL_SIZES: readonly ThumbnailSize[] = [
  { width: 32, height: 32, method: "crop" },
  { width: 96, height: 96, method: "crop" },
  { width: 320, height: 240, method: "scale" },
  { width: 640, height: 480, method: "scale" },
  { width: 800, height: 600, method: "scale" },
];

/**
 * The size served for a request: the smallest of the requested method at least as large
 * as asked (the spec lets the thumbnail be larger), else the smallest of any method that
 * is, else the largest there is.
 */
export function nearestSize(width: number, height: number, method: ThumbnailMethod): ThumbnailSize {
  const covers = (s: ThumbnailSize) => s.width >= width && s.height >= height;
  return (
    THUMBNAIL_SIZES.find((s) => s.method === method && covers(s)) ??
    THUMBNAIL_SIZES.find(covers) ??
    THUMBNAIL_SIZES[THUMBNAIL_SIZES.length - 1]!
  );
}
