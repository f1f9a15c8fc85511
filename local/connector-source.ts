import { onPath } from './ffmpeg';

/**
 * Whether the local connector can capture the meeting page itself, or streams its test pattern:
 * it needs Xvfb and Chromium on this machine and a meeting URL that answers (a Chime meeting does
 * not, offline; a page served on 127.0.0.1 does).
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

/** Any HTTP answer within `timeoutMs` counts: the page loads, whatever it shows. */
async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

export async function canOpenPage(url: string, timeoutMs = 3000): Promise<boolean> {
  if (!onPath('Xvfb', process.env) || !findChromium()) return false;
  return answers(url, timeoutMs);
}
