/**
 * Just enough MPEG-TS to time an archive segment from a few hundred KiB of it (a ranged GET of
 * its head or tail), without a media library in the Lambda: the PTS/DTS of each PES packet that
 * starts in the bytes, by elementary stream kind. Streams are told apart by the PES `stream_id`
 * (0xE0–0xEF video, 0xC0–0xDF MPEG audio incl. AAC), so a tail that holds no PAT/PMT still reads.
 */
export const TS_PACKET_SIZE = 188;
const SYNC_BYTE = 0x47;
/** PTS/DTS are 33-bit counters of a 90 kHz clock; they wrap every 26.5 hours. */
const TIMESTAMP_WRAP = 2 ** 33;

export interface PesTiming {
  pts: number;
  /** The decode time; equal to `pts` when the stream has no B-frames (no DTS field). */
  dts: number;
}

export interface TsTimings {
  /** Video frames in the order they appear (decode order). */
  video: PesTiming[];
  audio: PesTiming[];
}

/** The first offset where three packets in a row start with the sync byte. */
function firstSync(bytes: Uint8Array): number | undefined {
  for (let offset = 0; offset < TS_PACKET_SIZE && offset < bytes.length; offset++) {
    let ok = true;
    for (let k = 0; k < 3 && offset + k * TS_PACKET_SIZE < bytes.length; k++) {
      if (bytes[offset + k * TS_PACKET_SIZE] !== SYNC_BYTE) ok = false;
    }
    if (ok) return offset;
  }
  return undefined;
}

function readTimestamp(b: Uint8Array, at: number): number {
  // 33 bits spread over 5 bytes with marker bits; multiplication keeps it exact past 2^31.
  return (
    ((b[at] >> 1) & 0x07) * 2 ** 30 +
    (b[at + 1] << 22) +
    ((b[at + 2] >> 1) << 15) +
    (b[at + 3] << 7) +
    (b[at + 4] >> 1)
  );
}

/** The PES timings of every video and audio PES that starts inside `bytes`. */
export function pesTimings(bytes: Uint8Array): TsTimings {
  const out: TsTimings = { video: [], audio: [] };
  const start = firstSync(bytes);
  if (start === undefined) return out;
  // Only the first video and audio PIDs seen, so a second program can't interleave its clock.
  const pidOf: { video?: number; audio?: number } = {};
  for (let p = start; p + TS_PACKET_SIZE <= bytes.length; p += TS_PACKET_SIZE) {
    if (bytes[p] !== SYNC_BYTE) continue;
    const unitStart = (bytes[p + 1] & 0x40) !== 0;
    const pid = ((bytes[p + 1] & 0x1f) << 8) | bytes[p + 2];
    const adaptation = (bytes[p + 3] >> 4) & 0x03;
    if (!unitStart || (adaptation & 0x01) === 0) continue;
    const payload = p + 4 + (adaptation & 0x02 ? 1 + bytes[p + 4] : 0);
    if (payload + 14 > p + TS_PACKET_SIZE) continue;
    if (bytes[payload] !== 0 || bytes[payload + 1] !== 0 || bytes[payload + 2] !== 1) continue;
    const streamId = bytes[payload + 3];
    const kind = streamId >= 0xe0 && streamId <= 0xef ? 'video' : streamId >= 0xc0 && streamId <= 0xdf ? 'audio' : undefined;
    if (!kind) continue;
    pidOf[kind] ??= pid;
    if (pidOf[kind] !== pid) continue;
    const flags = bytes[payload + 7] >> 6;
    if ((flags & 0x02) === 0) continue;
    const pts = readTimestamp(bytes, payload + 9);
    const dts = flags === 0x03 ? readTimestamp(bytes, payload + 14) : pts;
    out[kind].push({ pts, dts });
  }
  return out;
}

/** `later - earlier` in ticks, across a wrap of the 33-bit clock. */
export function ticksBetween(earlier: number, later: number): number {
  return (((later - earlier) % TIMESTAMP_WRAP) + TIMESTAMP_WRAP) % TIMESTAMP_WRAP;
}

/** The typical frame duration in ticks: the median step between consecutive decode times. */
export function frameTicks(frames: readonly PesTiming[]): number | undefined {
  const steps: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    const step = ticksBetween(frames[i - 1].dts, frames[i].dts);
    if (step > 0 && step < TIMESTAMP_WRAP / 2) steps.push(step);
  }
  if (steps.length === 0) return undefined;
  steps.sort((a, b) => a - b);
  const mid = steps.length >> 1;
  return steps.length % 2 ? steps[mid] : (steps[mid - 1] + steps[mid]) / 2;
}

/**
 * The presentation time of the first frame shown from a segment's head: the smallest PTS among
 * its first frames (with B-frames, decode order is not display order).
 */
export function firstPresentation(frames: readonly PesTiming[], lookahead = 16): number | undefined {
  const head = frames.slice(0, lookahead);
  if (head.length === 0) return undefined;
  return head.reduce((min, f) => (signedTicks(min, f.pts) < 0 ? f.pts : min), head[0].pts);
}

/** The last presentation time in a segment's tail: the largest PTS, across a wrap. */
export function lastPresentation(frames: readonly PesTiming[]): number | undefined {
  if (frames.length === 0) return undefined;
  return frames.reduce((max, f) => (signedTicks(max, f.pts) > 0 ? f.pts : max), frames[0].pts);
}

/** `b - a` in ticks as a signed distance (the short way round the wrap). */
export function signedTicks(a: number, b: number): number {
  const d = ticksBetween(a, b);
  return d > TIMESTAMP_WRAP / 2 ? d - TIMESTAMP_WRAP : d;
}
