/**
 * Keeps one FLV timeline across publishes, so one ffmpeg can outlive its publisher.
 *
 * node-media-server already continues the timeline when the same publisher comes back within its
 * 30 s grace (OBS reconnecting). A publisher that comes back later, or from elsewhere, starts
 * its own clock at 0 again; fed that, ffmpeg would drop frames until the clock caught up. After
 * {@link FlvRetimer.rebase}, the next audio/video tag is moved to just after the last one sent,
 * and everything after it by the same amount. Time spent with no publisher is left out of the
 * timeline, as within the grace.
 *
 * Input is what node-media-server hands a subscriber: the 13-byte FLV header once, then one whole
 * tag (11-byte header, data, 4-byte previous-tag-size) per buffer. Those buffers are shared with
 * other subscribers and node-media-server's GOP cache, so a tag that changes is copied first.
 */
const AUDIO = 8;
const VIDEO = 9;
const TAG_HEADER = 11;
/** The gap left between the last tag of one publish and the first of the next (about a frame). */
export const REBASE_GAP_MS = 40;

function timestampOf(tag: Buffer): number {
  return ((tag[7] << 24) | (tag[4] << 16) | (tag[5] << 8) | tag[6]) >>> 0;
}

function withTimestamp(tag: Buffer, ms: number): Buffer {
  const copy = Buffer.from(tag);
  copy[4] = (ms >>> 16) & 0xff;
  copy[5] = (ms >>> 8) & 0xff;
  copy[6] = ms & 0xff;
  copy[7] = (ms >>> 24) & 0xff;
  return copy;
}

function isWholeTag(chunk: Buffer): boolean {
  if (chunk.length < TAG_HEADER + 4) return false;
  const dataSize = chunk.readUIntBE(1, 3);
  return chunk.length === TAG_HEADER + dataSize + 4;
}

export class FlvRetimer {
  private offset = 0;
  private last = -1;
  private pending = false;

  /** The next publish keeps its own clock: continue ours after the last tag instead. */
  rebase(): void {
    this.pending = this.last >= 0;
  }

  retime(chunk: Buffer): Buffer {
    if (!isWholeTag(chunk)) return chunk; // the FLV header, or something we don't touch
    const type = chunk[0];
    const media = type === AUDIO || type === VIDEO;
    const ts = timestampOf(chunk);
    if (this.pending && media) {
      this.offset = this.last + REBASE_GAP_MS - ts;
      this.pending = false;
    }
    const out = Math.max(0, ts + this.offset);
    if (media) this.last = Math.max(this.last, out);
    return out === ts ? chunk : withTimestamp(chunk, out);
  }
}
