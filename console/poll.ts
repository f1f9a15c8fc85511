/** How often views refresh: the same in the cloud, where there is no push channel to the page. */
export const POLL_MS = 2000;

/**
 * Runs `tick` now and then `ms` after each run has ended (a slow API is never asked twice at
 * once). A failing tick is the tick's to show; the polling goes on. Returns what stops it.
 */
export function poll(tick: () => Promise<void>, ms = POLL_MS): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    try {
      // A tab in the background asks nothing (in the cloud each call is a signed API request);
      // it is brought up to date within one period of being shown again.
      if (!isHidden()) await tick();
    } catch {
      // The tick shows its own errors; a thrown one must not end the polling.
    }
    if (!stopped) timer = setTimeout(() => void run(), ms);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function isHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}
