import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { parseVodPlaylist, renderVodPlaylist, targetDurationOf } from '../../../core/domain/hls-playlist';

describe('VOD playlists', () => {
  it('writes the tags MediaConvert needs, decimal EXTINF, and each segment once', () => {
    const text = renderVodPlaylist(
      [
        { uri: 'archive_1.000003.ts', duration: 300 },
        { uri: 'archive_2.000004.ts', duration: 12.4124 },
      ],
      3,
    );

    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:300',
        '#EXT-X-MEDIA-SEQUENCE:3',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXTINF:300.000000,',
        'archive_1.000003.ts',
        '#EXTINF:12.412400,',
        'archive_2.000004.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('rounds the target duration up, so it holds whichever way a reader rounds EXTINF', () => {
    expect(targetDurationOf([{ uri: 'a', duration: 299.9997 }])).toBe(300);
    expect(targetDurationOf([{ uri: 'a', duration: 300.0333 }])).toBe(301);
    expect(targetDurationOf([{ uri: 'a', duration: 0.04 }])).toBe(1);
  });

  it('writes what its strict reader reads back, for any segments', () => {
    const segments = fc.uniqueArray(
      fc.record({ uri: fc.stringMatching(/^[a-z_0-9]{1,12}\.\d{6}\.ts$/), duration: fc.double({ min: 0.001, max: 3600, noNaN: true }) }),
      { minLength: 1, maxLength: 30, selector: (s) => s.uri },
    );
    fc.assert(
      fc.property(segments, (list) => {
        const parsed = parseVodPlaylist(renderVodPlaylist(list));
        expect(parsed.segments.map((s) => s.uri)).toEqual(list.map((s) => s.uri));
        parsed.segments.forEach((s, i) => expect(Math.abs(s.duration - list[i].duration)).toBeLessThanOrEqual(5e-7));
        expect(parsed.version).toBeLessThanOrEqual(4);
      }),
    );
  });

  it('refuses to write a playlist that lists a segment twice or none', () => {
    expect(() => renderVodPlaylist([])).toThrow(/at least one segment/);
    expect(() => renderVodPlaylist([{ uri: 'a.ts', duration: 1 }, { uri: 'a.ts', duration: 1 }])).toThrow(/twice/);
  });

  const valid = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:10.0,\na.ts\n#EXTINF:4.5,\nb.ts\n#EXT-X-ENDLIST\n';

  it.each([
    ['the old system’s target duration', valid.replace('TARGETDURATION:10', 'TARGETDURATION:-1'), /TARGETDURATION must be a decimal integer/],
    ['a segment longer than the target', valid.replace('TARGETDURATION:10', 'TARGETDURATION:9'), /more than EXT-X-TARGETDURATION 9/],
    ['a duplicate segment', valid.replace('b.ts', 'a.ts'), /a\.ts listed twice/],
    ['a missing ENDLIST', valid.replace('#EXT-X-ENDLIST\n', ''), /must end with #EXT-X-ENDLIST/],
    ['a live playlist', valid.replace('PLAYLIST-TYPE:VOD', 'PLAYLIST-TYPE:EVENT'), /PLAYLIST-TYPE must be VOD/],
    ['a version MediaConvert does not read', valid.replace('VERSION:3', 'VERSION:6'), /EXT-X-VERSION 6/],
    ['decimal EXTINF below version 3', valid.replace('VERSION:3', 'VERSION:2'), /decimal #EXTINF needs EXT-X-VERSION 3/],
    ['a URI without EXTINF', valid.replace('#EXTINF:4.5,\n', ''), /b\.ts has no #EXTINF/],
    ['a tag we never write', valid.replace('#EXTINF:10.0,', '#EXT-X-DISCONTINUITY\n#EXTINF:10.0,'), /EXT-X-DISCONTINUITY is not allowed/],
    ['no header', valid.slice('#EXTM3U\n'.length), /must start with #EXTM3U/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseVodPlaylist(text)).toThrow(message);
  });

  it('reads a valid playlist', () => {
    expect(parseVodPlaylist(valid)).toEqual({
      version: 3,
      targetDuration: 10,
      mediaSequence: 0,
      segments: [
        { uri: 'a.ts', duration: 10 },
        { uri: 'b.ts', duration: 4.5 },
      ],
    });
  });

  it('writes notes as comment lines a strict reader skips, refuses a note that would be a tag, and marks a gap', () => {
    const text = renderVodPlaylist([{ uri: 'a.ts', duration: 4 }, { uri: 'b.ts', duration: 4, gap: true }], 1, ['frame-rate: 25/1']);

    expect(text.split('\n')).toEqual(expect.arrayContaining(['# frame-rate: 25/1', '#EXTINF:4.000000,', '#EXT-X-GAP', 'b.ts']));
    expect(text.indexOf('#EXT-X-GAP')).toBe(text.indexOf('b.ts') - '#EXT-X-GAP\n'.length);
    expect(parseVodPlaylist(renderVodPlaylist([{ uri: 'a.ts', duration: 4 }], 0, ['note'])).segments).toEqual([{ uri: 'a.ts', duration: 4 }]);
    expect(() => renderVodPlaylist([{ uri: 'a.ts', duration: 4 }], 0, ['EXT-X-ENDLIST'])).toThrow(/not a comment line/);
    expect(() => renderVodPlaylist([{ uri: 'a.ts', duration: 4 }], 0, ['two\nlines'])).toThrow(/not a comment line/);
  });
});
