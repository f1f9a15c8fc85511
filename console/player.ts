/**
 * Plays an HLS URL in a `<video>`: with hls.js over Media Source Extensions (AES-128 segments
 * included: the player fetches the key the playlist names), or natively where the browser plays
 * HLS itself (Safari). hls.js is loaded on first use, so the streams list never downloads it.
 * A live playlist that is not there yet (the channel is still starting) is retried, not given up.
 */
export interface Player {
  /** The URL it plays; another URL means a new player. */
  readonly url: string;
  stop(): void;
}

const RETRY_MS = 2000;

/** `autoplay: false` (a recording to mark): loaded and paused at its start until the operator plays it. */
export function play(video: HTMLVideoElement, url: string, onStatus: (text: string) => void, options: { autoplay?: boolean } = {}): Player {
  const autoplay = options.autoplay ?? true;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let destroy = () => undefined as void;
  video.muted = autoplay;
  video.autoplay = autoplay;
  video.playsInline = true;
  onStatus('Loading…');
  const playing = () => onStatus('Playing');
  video.addEventListener('playing', playing);

  const start = async () => {
    const { default: Hls } = await import('hls.js/light');
    if (stopped) return;
    if (!Hls.isSupported()) {
      if (video.canPlayType('application/vnd.apple.mpegurl') === '') {
        onStatus('This browser cannot play HLS.');
        return;
      }
      video.src = url;
      destroy = () => {
        video.removeAttribute('src');
        video.load();
      };
      return;
    }
    const hls = new Hls({ liveSyncDurationCount: 3, manifestLoadingMaxRetry: 2 });
    destroy = () => hls.destroy();
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || stopped) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      onStatus(`Waiting for the stream (${data.details})…`);
      clearTimeout(retry);
      retry = setTimeout(() => {
        if (stopped) return;
        hls.loadSource(url);
        hls.startLoad();
      }, RETRY_MS);
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      if (!autoplay) {
        onStatus('Ready');
        return;
      }
      video.play().catch(() => onStatus('Press play to start the preview.'));
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  };
  start().catch((err: unknown) => onStatus(`The player failed to load: ${err instanceof Error ? err.message : String(err)}`));

  return {
    url,
    stop() {
      stopped = true;
      clearTimeout(retry);
      video.removeEventListener('playing', playing);
      destroy();
      onStatus('');
    },
  };
}
