import type { FrameRate } from './frames';

/**
 * What the console reads back from a session playlist (`session-playlist.ts` writes it). Zod-free
 * and timeline-free, so the console bundles it alone.
 *
 * The frame rate travels as a comment line, `# frame-rate: 30000/1001`: a media playlist has no tag
 * for it, players ignore comments, and the console nudges marks by one frame of it.
 */
export const FRAME_RATE_NOTE = 'frame-rate:';

/** The frame rate note (if any) and the length (the sum of `#EXTINF`s, gaps included). */
export function sessionPlaylistFacts(text: string): { frameRate?: FrameRate; duration: number } {
  let duration = 0;
  let frameRate: FrameRate | undefined;
  const note = new RegExp(`^# ${FRAME_RATE_NOTE} (\\d+)/(\\d+)$`);
  for (const line of text.split(/\r?\n/)) {
    const extinf = /^#EXTINF:(\d+(?:\.\d+)?),/.exec(line);
    if (extinf) duration += Number(extinf[1]);
    const rate = note.exec(line);
    if (rate && Number(rate[1]) > 0 && Number(rate[2]) > 0) frameRate = { numerator: Number(rate[1]), denominator: Number(rate[2]) };
  }
  return { ...(frameRate ? { frameRate } : {}), duration };
}
