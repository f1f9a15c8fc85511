import { describe, expect, it } from '@jest/globals';
import { LiveWindow, parseRunPlaylist, renderLivePlaylist, type LiveSegment } from '../../../../local/media/hls-playlist';

const KEY_A = { uri: 'keys/000001-aa.key', iv: '0x0123456789abcdef0123456789abcdef' };
const KEY_B = { uri: 'keys/000002-bb.key', iv: '0xfedcba9876543210fedcba9876543210' };

const RUN_PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:4',
  '#EXT-X-MEDIA-SEQUENCE:7',
  `#EXT-X-KEY:METHOD=AES-128,URI="${KEY_A.uri}",IV=${KEY_A.iv}`,
  '#EXTINF:4.000000,',
  'p1-r1-000007.ts',
  `#EXT-X-KEY:METHOD=AES-128,URI="${KEY_B.uri}",IV=${KEY_B.iv}`,
  '#EXTINF:3.966667,',
  'p1-r1-000008.ts',
  '',
].join('\n');

function segment(n: number, overrides: Partial<LiveSegment> = {}): LiveSegment {
  return { uri: `segments/s${n}.ts`, duration: 4, key: undefined, discontinuity: false, ...overrides };
}

describe('parseRunPlaylist', () => {
  it('reads sequence numbers, durations and the key of each segment', () => {
    // Act
    const segments = parseRunPlaylist(RUN_PLAYLIST);

    // Assess
    expect(segments).toEqual([
      { sequence: 7, uri: 'p1-r1-000007.ts', duration: 4, key: KEY_A },
      { sequence: 8, uri: 'p1-r1-000008.ts', duration: 3.966667, key: KEY_B },
    ]);
  });

  it('ignores a half-written last line (ffmpeg rewrites the file in place)', () => {
    // Prepare
    const cut = RUN_PLAYLIST.slice(0, RUN_PLAYLIST.indexOf('p1-r1-000008.ts') + 'p1-r1-0000'.length);

    // Act
    const segments = parseRunPlaylist(cut);

    // Assess
    expect(segments.map((s) => s.uri)).toEqual(['p1-r1-000007.ts']);
  });

  it('reads a clear playlist as segments without keys', () => {
    // Act
    const segments = parseRunPlaylist('#EXTM3U\n#EXTINF:4.0,\na.ts\n');

    // Assess
    expect(segments).toEqual([{ sequence: 0, uri: 'a.ts', duration: 4, key: undefined }]);
  });
});

describe('renderLivePlaylist', () => {
  it('writes a key tag where the key changes, discontinuities, and the end', () => {
    // Act
    const text = renderLivePlaylist({
      mediaSequence: 12,
      discontinuitySequence: 1,
      targetDuration: 4,
      ended: true,
      segments: [segment(1, { key: KEY_A }), segment(2, { key: KEY_A }), segment(3, { key: KEY_B, discontinuity: true, duration: 2.5 })],
    });

    // Assess
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MEDIA-SEQUENCE:12',
        '#EXT-X-DISCONTINUITY-SEQUENCE:1',
        `#EXT-X-KEY:METHOD=AES-128,URI="${KEY_A.uri}",IV=${KEY_A.iv}`,
        '#EXTINF:4.000000,',
        'segments/s1.ts',
        '#EXTINF:4.000000,',
        'segments/s2.ts',
        '#EXT-X-DISCONTINUITY',
        `#EXT-X-KEY:METHOD=AES-128,URI="${KEY_B.uri}",IV=${KEY_B.iv}`,
        '#EXTINF:2.500000,',
        'segments/s3.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });
});

describe('LiveWindow', () => {
  it('keeps the window of history and advances the media sequence as segments leave it', () => {
    // Prepare
    const window = new LiveWindow(10, 4);

    // Act
    const dropped = [1, 2, 3, 4, 5].flatMap((n) => window.append(segment(n)));

    // Assess: 3 × 4 s still cover 10 s; the two oldest left
    expect(dropped.map((s) => s.uri)).toEqual(['segments/s1.ts', 'segments/s2.ts']);
    expect(window.state.mediaSequence).toBe(2);
    expect(window.state.segments.map((s) => s.uri)).toEqual(['segments/s3.ts', 'segments/s4.ts', 'segments/s5.ts']);
  });

  it('counts a discontinuity that leaves the playlist in the discontinuity sequence', () => {
    // Prepare
    const window = new LiveWindow(8, 4);

    // Act
    for (const s of [segment(1), segment(2, { discontinuity: true }), segment(3), segment(4), segment(5)]) window.append(s);

    // Assess
    expect(window.state.segments[0].uri).toBe('segments/s4.ts');
    expect(window.state.discontinuitySequence).toBe(1);
  });

  it('raises the target duration to a longer segment, rounded', () => {
    // Prepare
    const window = new LiveWindow(60, 4);

    // Act
    window.append(segment(1, { duration: 5.4 }));

    // Assess
    expect(window.state.targetDuration).toBe(5);
  });
});
