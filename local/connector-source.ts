import { onPath } from './ffmpeg';

/**
 * The browser the local connector would capture the meeting page with. Whether it does (Xvfb and
 * Chromium here, and the meeting URL answers: a Chime meeting does not, offline; a page on
 * 127.0.0.1 does) the connector decides itself (`SOURCE=auto` in `connector/entrypoint.sh`).
 */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The browser the connector would run: `CHROMIUM` if set, else the first one on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM) return env.CHROMIUM;
  for (const name of CHROMIUM_NAMES) {
    const found = onPath(name, env);
    if (found) return found;
  }
  return undefined;
}
