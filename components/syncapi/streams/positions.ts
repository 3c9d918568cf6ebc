/**
 * The syncapi's streams and the sync token that combines a position in each. Positions come
 * from the syncapi's own database sequences, so a token stays valid across restarts.
 */
export const SYNC_STREAMS = ["pdu", "typing", "receipt", "invite", "toDevice", "accountData", "presence", "deviceList"] as const;
export type SyncStream = (typeof SYNC_STREAMS)[number];
export type StreamPositions = Record<SyncStream, number>;

export function zeroPositions(): StreamPositions {
  return { pdu: 0, typing: 0, receipt: 0, invite: 0, toDevice: 0, accountData: 0, presence: 0, deviceList: 0 };
}

/** `s<pdu>_<typing>_..._<deviceList>`, positions in SYNC_STREAMS order. */
export function encodeSyncToken(p: StreamPositions): string {
  return `s${SYNC_STREAMS.map((s) => p[s]).join("_")}`;
}

/** The positions of a token, or null when it is not one of ours. */
export function decodeSyncToken(token: string): StreamPositions | null {
  if (!token.startsWith("s")) return null;
  const parts = token.slice(1).split("_");
  if (parts.length !== SYNC_STREAMS.length || parts.some((x) => !/^\d{1,15}$/.test(x))) return null;
  const out = zeroPositions();
  SYNC_STREAMS.forEach((s, i) => (out[s] = Number(parts[i])));
  return out;
}

export function maxPositions(a: StreamPositions, b: StreamPositions): StreamPositions {
  const out = zeroPositions();
  for (const s of SYNC_STREAMS) out[s] = Math.max(a[s], b[s]);
  return out;
}

/** Whether `a` is at or past `b` on every stream. */
export function coversPositions(a: StreamPositions, b: StreamPositions): boolean {
  return SYNC_STREAMS.every((s) => a[s] >= b[s]);
}

/**
 * A room history position (`/messages` from/to, `prev_batch`): `t<n>` lies after the event
 * at stream position n and before n+1. A sync token also serves, by its room-event position.
 */
export function encodeHistoryToken(position: number): string {
  return `t${position}`;
}

export function decodeHistoryToken(token: string): number | null {
  if (/^t\d{1,15}$/.test(token)) return Number(token.slice(1));
  return decodeSyncToken(token)?.pdu ?? null;
}
