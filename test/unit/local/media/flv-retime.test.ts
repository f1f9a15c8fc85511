import { describe, expect, it } from '@jest/globals';
import { FlvRetimer, REBASE_GAP_MS } from '../../../../local/media/flv-retime';

/** An FLV tag as node-media-server hands it to a subscriber: header, data, previous-tag-size. */
function tag(type: number, ms: number, data = Buffer.from([1, 2, 3])): Buffer {
  const buffer = Buffer.alloc(11 + data.length + 4);
  buffer[0] = type;
  buffer.writeUIntBE(data.length, 1, 3);
  buffer[4] = (ms >>> 16) & 0xff;
  buffer[5] = (ms >>> 8) & 0xff;
  buffer[6] = ms & 0xff;
  buffer[7] = (ms >>> 24) & 0xff;
  data.copy(buffer, 11);
  buffer.writeUInt32BE(11 + data.length, 11 + data.length);
  return buffer;
}

function timestamp(buffer: Buffer): number {
  return ((buffer[7] << 24) | (buffer[4] << 16) | (buffer[5] << 8) | buffer[6]) >>> 0;
}

const FLV_HEADER = Buffer.from([0x46, 0x4c, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0]);

describe('FlvRetimer', () => {
  it('passes the first publish through untouched, the very same buffers', () => {
    // Prepare
    const retimer = new FlvRetimer();
    const tags = [FLV_HEADER, tag(9, 0), tag(8, 23), tag(9, 66)];

    // Act
    const out = tags.map((t) => retimer.retime(t));

    // Assess
    out.forEach((buffer, i) => expect(buffer).toBe(tags[i]));
  });

  it('continues the timeline after a rebase, without touching the shared input buffers', () => {
    // Prepare
    const retimer = new FlvRetimer();
    for (const ms of [0, 33, 66, 20_000]) retimer.retime(tag(9, ms));
    retimer.rebase();
    const second = [tag(18, 0), tag(9, 0), tag(8, 10), tag(9, 33)];

    // Act
    const out = second.map((t) => retimer.retime(t));

    // Assess
    const base = 20_000 + REBASE_GAP_MS;
    expect(out.slice(1).map(timestamp)).toEqual([base, base + 10, base + 33]);
    expect(second.map(timestamp)).toEqual([0, 0, 10, 33]);
  });

  it('handles timestamps past 2^24 ms (the extended byte)', () => {
    // Prepare
    const retimer = new FlvRetimer();
    retimer.retime(tag(9, 0x01_00_00_00 + 5));
    retimer.rebase();

    // Act
    const out = retimer.retime(tag(9, 0));

    // Assess
    expect(timestamp(out)).toBe(0x01_00_00_00 + 5 + REBASE_GAP_MS);
  });

  it('a rebase before anything was sent changes nothing', () => {
    // Prepare
    const retimer = new FlvRetimer();
    retimer.rebase();
    const first = tag(9, 100);

    // Act
    const out = retimer.retime(first);

    // Assess
    expect(out).toBe(first);
  });
});
