/**
 * VOD media playlists as the split writes them and MediaConvert reads them (RFC 8216 plus
 * MediaConvert's HLS input rules): `EXT-X-VERSION` 3 (decimal `EXTINF` needs ≥ 3, MediaConvert
 * takes ≤ 4), an integer `EXT-X-TARGETDURATION` no smaller than any segment's duration rounded
 * up, `EXT-X-PLAYLIST-TYPE:VOD`, each segment once, `EXT-X-ENDLIST`.
 *
 * {@link parseVodPlaylist} is the strict reader of the same rules: the local MediaConvert reads
 * playlists with it (so a bad playlist fails a job locally as it would in the cloud) and tests
 * check every playlist the split writes with it.
 */
export const PLAYLIST_VERSION = 3;
export const MAX_MEDIACONVERT_VERSION = 4;
export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';

export interface PlaylistSegment {
  /** Relative to the playlist (the segments sit beside it). */
  uri: string;
  /** Seconds. */
  duration: number;
  /**
   * No pipeline recorded it (`#EXT-X-GAP`, RFC 8216bis §4.4.4.7): a player skips it, keeping the
   * time after it where it was recorded. Only the session playlist has gaps; a split's never does.
   */
  gap?: boolean;
}

export interface VodPlaylist {
  version: number;
  targetDuration: number;
  mediaSequence: number;
  segments: PlaylistSegment[];
}

/** EXTINF with microsecond precision: exact for every 90 kHz frame duration to well under a tick. */
function formatDuration(seconds: number): string {
  return seconds.toFixed(6);
}

/** The target duration: every EXTINF, as written, rounded up (so it holds for either rounding a reader uses). */
export function targetDurationOf(segments: readonly PlaylistSegment[]): number {
  return Math.max(1, ...segments.map((s) => Math.ceil(Number(formatDuration(s.duration)))));
}

/** `notes` become comment lines (`# …`) after the header: what a reader of ours needs and players ignore. */
export function renderVodPlaylist(segments: readonly PlaylistSegment[], mediaSequence = 0, notes: readonly string[] = []): string {
  if (segments.length === 0) throw new RangeError('a VOD playlist needs at least one segment');
  for (const note of notes) if (/[\r\n]/.test(note) || note.startsWith('EXT')) throw new RangeError(`not a comment line: ${note}`);
  const seen = new Set<string>();
  for (const segment of segments) {
    if (seen.has(segment.uri)) throw new RangeError(`segment listed twice: ${segment.uri}`);
    if (!(segment.duration > 0)) throw new RangeError(`segment ${segment.uri} has duration ${segment.duration}`);
    seen.add(segment.uri);
  }
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${PLAYLIST_VERSION}`,
    `#EXT-X-TARGETDURATION:${targetDurationOf(segments)}`,
    `#EXT-X-MEDIA-SEQUENCE:${mediaSequence}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    ...notes.map((note) => `# ${note}`),
    ...segments.flatMap((s) => [`#EXTINF:${formatDuration(s.duration)},`, ...(s.gap ? ['#EXT-X-GAP'] : []), s.uri]),
    '#EXT-X-ENDLIST',
  ];
  return `${lines.join('\n')}\n`;
}

export class PlaylistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaylistError';
  }
}

const SINGLE_TAGS = ['#EXT-X-VERSION', '#EXT-X-TARGETDURATION', '#EXT-X-MEDIA-SEQUENCE', '#EXT-X-PLAYLIST-TYPE'];

/** Reads a VOD media playlist, rejecting anything the rules above forbid (the message says which rule). */
export function parseVodPlaylist(text: string): VodPlaylist {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const fail = (line: number, why: string): never => {
    throw new PlaylistError(`playlist line ${line + 1}: ${why}`);
  };
  if (lines[0] !== '#EXTM3U') fail(0, 'must start with #EXTM3U');
  const tags = new Map<string, string>();
  const segments: PlaylistSegment[] = [];
  let pending: number | undefined;
  let ended = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (ended) fail(i, 'nothing may follow #EXT-X-ENDLIST');
    if (line.trim() === '') continue;
    if (!line.startsWith('#')) {
      if (pending === undefined) fail(i, `segment ${line} has no #EXTINF`);
      if (segments.some((s) => s.uri === line)) fail(i, `segment ${line} listed twice`);
      segments.push({ uri: line, duration: pending! });
      pending = undefined;
      continue;
    }
    if (!line.startsWith('#EXT')) continue; // a comment
    const colon = line.indexOf(':');
    const [tag, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
    if (tag === '#EXTINF') {
      if (pending !== undefined) fail(i, '#EXTINF without a segment URI');
      const match = /^(\d+(?:\.\d+)?),.*$/.exec(value);
      if (!match) fail(i, `bad #EXTINF: ${value}`);
      pending = Number(match![1]);
      if (!(pending > 0)) fail(i, 'a segment must last more than 0 s');
    } else if (tag === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (SINGLE_TAGS.includes(tag)) {
      if (tags.has(tag)) fail(i, `${tag} appears twice`);
      if (segments.length > 0 || pending !== undefined) fail(i, `${tag} must come before the first segment`);
      tags.set(tag, value);
    } else {
      fail(i, `tag ${tag} is not allowed in a split playlist`);
    }
  }
  if (pending !== undefined) fail(lines.length - 1, '#EXTINF without a segment URI');
  if (!ended) fail(lines.length - 1, 'a VOD playlist must end with #EXT-X-ENDLIST');
  if (segments.length === 0) fail(0, 'no segments');
  const version = Number(tags.get('#EXT-X-VERSION') ?? '1');
  if (!Number.isInteger(version) || version > MAX_MEDIACONVERT_VERSION) fail(0, `EXT-X-VERSION ${version} (MediaConvert reads ≤ ${MAX_MEDIACONVERT_VERSION})`);
  const target = tags.get('#EXT-X-TARGETDURATION');
  if (target === undefined || !/^\d+$/.test(target)) fail(0, 'EXT-X-TARGETDURATION must be a decimal integer');
  const targetDuration = Number(target);
  if (tags.get('#EXT-X-PLAYLIST-TYPE') !== 'VOD') fail(0, 'EXT-X-PLAYLIST-TYPE must be VOD');
  const sequence = tags.get('#EXT-X-MEDIA-SEQUENCE') ?? '0';
  if (!/^\d+$/.test(sequence)) fail(0, 'EXT-X-MEDIA-SEQUENCE must be a decimal integer');
  const decimals = lines.some((l) => /^#EXTINF:\d+\.\d/.test(l));
  if (decimals && version < 3) fail(0, 'decimal #EXTINF needs EXT-X-VERSION 3 or more');
  for (const segment of segments) {
    if (Math.round(segment.duration) > targetDuration) {
      fail(0, `segment ${segment.uri} lasts ${segment.duration} s, more than EXT-X-TARGETDURATION ${targetDuration}`);
    }
  }
  return { version, targetDuration, mediaSequence: Number(sequence), segments };
}
