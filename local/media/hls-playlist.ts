/**
 * Reading ffmpeg's per-run HLS playlists and writing the one live playlist a viewer sees.
 *
 * Each pipeline run (one ffmpeg) writes its own short playlist; the live playlist is composed
 * from them so that it outlives any one ffmpeg: a publisher that leaves and comes back, or the
 * other pipeline taking over, continues the same playlist after an `EXT-X-DISCONTINUITY`, with the
 * media sequence running on. Keys carry an explicit IV, so a segment decrypts the same whatever
 * its position in the live playlist.
 */
export interface HlsKey {
  /** As written in the playlist, relative to it: `keys/{id}.key`. */
  readonly uri: string;
  /** `0x` + 32 hex digits. */
  readonly iv: string;
}

export interface RunSegment {
  /** ffmpeg's sequence number of the segment within its run. */
  readonly sequence: number;
  /** File name, as ffmpeg lists it. */
  readonly uri: string;
  readonly duration: number;
  readonly key: HlsKey | undefined;
}

/**
 * The segments of an ffmpeg media playlist. ffmpeg rewrites the file in place while we may read
 * it, so only whole lines count: a half-written tail is read again on the next look.
 */
export function parseRunPlaylist(text: string): RunSegment[] {
  const end = text.lastIndexOf('\n');
  const lines = end < 0 ? [] : text.slice(0, end).split('\n').map((l) => l.trim());
  const segments: RunSegment[] = [];
  let sequence = 0;
  let key: HlsKey | undefined;
  let duration: number | undefined;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      sequence = Number(line.slice('#EXT-X-MEDIA-SEQUENCE:'.length));
    } else if (line.startsWith('#EXT-X-KEY:')) {
      key = parseKey(line.slice('#EXT-X-KEY:'.length));
    } else if (line.startsWith('#EXTINF:')) {
      duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    } else if (line && !line.startsWith('#') && duration !== undefined) {
      segments.push({ sequence, uri: line, duration, key });
      sequence += 1;
      duration = undefined;
    }
  }
  return segments;
}

function parseKey(attributes: string): HlsKey | undefined {
  if (/METHOD=NONE/.test(attributes)) return undefined;
  const uri = /URI="([^"]*)"/.exec(attributes)?.[1];
  const iv = /IV=(0[xX][0-9a-fA-F]{32})/.exec(attributes)?.[1];
  return uri && iv ? { uri, iv } : undefined;
}

export interface LiveSegment {
  /** Relative to the live playlist: `segments/{file}`. */
  readonly uri: string;
  readonly duration: number;
  readonly key: HlsKey | undefined;
  /** The first segment after a change of source (another run): `EXT-X-DISCONTINUITY` before it. */
  readonly discontinuity: boolean;
}

export interface LivePlaylistState {
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  readonly targetDuration: number;
  readonly segments: readonly LiveSegment[];
  readonly ended: boolean;
}

export function renderLivePlaylist(state: LivePlaylistState): string {
  const out = [
    '#EXTM3U',
    // Version 3: decimal EXTINF and IV on EXT-X-KEY.
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${state.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${state.mediaSequence}`,
  ];
  if (state.discontinuitySequence > 0) out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${state.discontinuitySequence}`);
  let key: HlsKey | undefined;
  state.segments.forEach((segment, index) => {
    if (segment.discontinuity && index > 0) out.push('#EXT-X-DISCONTINUITY');
    if (index === 0 || segment.key?.uri !== key?.uri || segment.key?.iv !== key?.iv) {
      if (segment.key) out.push(`#EXT-X-KEY:METHOD=AES-128,URI="${segment.key.uri}",IV=${segment.key.iv}`);
      else if (index > 0) out.push('#EXT-X-KEY:METHOD=NONE');
      key = segment.key;
    }
    out.push(`#EXTINF:${segment.duration.toFixed(6)},`, segment.uri);
  });
  if (state.ended) out.push('#EXT-X-ENDLIST');
  return `${out.join('\n')}\n`;
}

/**
 * The live window: segments are appended from whichever run is the source, and the oldest drop
 * out once the rest still covers `windowSeconds`. Dropped segments are returned so their files
 * (and keys no one references any more) can be removed a little later.
 */
export class LiveWindow {
  private mediaSequence = 0;
  private discontinuitySequence = 0;
  private segments: LiveSegment[] = [];
  private ended = false;
  private targetDuration: number;

  constructor(
    private readonly windowSeconds: number,
    segmentSeconds: number,
  ) {
    this.targetDuration = Math.ceil(segmentSeconds);
  }

  append(segment: LiveSegment): LiveSegment[] {
    this.segments.push(segment);
    this.targetDuration = Math.max(this.targetDuration, Math.round(segment.duration));
    const dropped: LiveSegment[] = [];
    let total = this.segments.reduce((sum, s) => sum + s.duration, 0);
    while (this.segments.length > 1 && total - this.segments[0].duration >= this.windowSeconds) {
      const first = this.segments.shift()!;
      total -= first.duration;
      dropped.push(first);
      this.mediaSequence += 1;
      // The next first segment's discontinuity tag is no longer in the playlist either.
      if (this.segments[0].discontinuity) this.discontinuitySequence += 1;
    }
    return dropped;
  }

  end(): void {
    this.ended = true;
  }

  get state(): LivePlaylistState {
    return {
      mediaSequence: this.mediaSequence,
      discontinuitySequence: this.discontinuitySequence,
      targetDuration: this.targetDuration,
      segments: this.segments,
      ended: this.ended,
    };
  }
}
