import type { Locator } from 'playwright-core';
import { waitFor } from '../../fixtures/media';

/** The few <video> properties the tests read (the tests' TypeScript has no DOM library). */
interface VideoState {
  currentTime: number;
  duration: number;
  paused: boolean;
  readyState: number;
  error: { code: number; message: string } | null;
  frames: number;
}

export function videoState(video: Locator): Promise<VideoState> {
  return video.evaluate((element) => {
    const v = element as unknown as Omit<VideoState, 'frames'> & { getVideoPlaybackQuality(): { totalVideoFrames: number } };
    return {
      currentTime: v.currentTime,
      duration: v.duration,
      paused: v.paused,
      readyState: v.readyState,
      error: v.error ? { code: v.error.code, message: v.error.message } : null,
      frames: v.getVideoPlaybackQuality().totalVideoFrames,
    };
  });
}

/**
 * Resolves once `video` has played `seconds` of media: its currentTime advanced that far past the
 * first time it was seen moving, with frames decoded (a clock running over no picture is not
 * playing). Fails with the element's last state otherwise.
 */
export async function untilPlays(video: Locator, what: string, seconds = 1, deadlineMs = 45_000): Promise<VideoState> {
  let first: number | undefined;
  let last: VideoState | string | undefined;
  const played = await waitFor(async () => {
    last = await videoState(video).catch((err: unknown) => `not readable: ${String(err)}`);
    if (typeof last === 'string') return undefined;
    if (last.currentTime > 0 && first === undefined) first = last.currentTime;
    return first !== undefined && last.currentTime >= first + seconds && last.frames > 0 ? last : undefined;
  }, deadlineMs);
  if (!played) throw new Error(`${what} did not play ${seconds} s within ${deadlineMs / 1000} s; last state ${JSON.stringify(last)}`);
  return played;
}

/** Seeks `video` to `time` (s) and resolves once the frame there is shown. */
export async function seek(video: Locator, time: number): Promise<void> {
  await video.evaluate(
    (element, t) =>
      new Promise<void>((resolve) => {
        const v = element as unknown as { currentTime: number; pause(): void; addEventListener(e: string, f: () => void, o: object): void };
        v.pause();
        v.addEventListener('seeked', () => resolve(), { once: true });
        v.currentTime = t;
      }),
    time,
  );
}
