import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { onPath } from '../../../local/ffmpeg';

/**
 * Which Chromium the browser tests drive (docs/BROWSER-TESTS.md says why, with the figures). In order:
 * `CHROMIUM_PATH`, then the build `npm ci` installs (@sparticuz/chromium: a Chromium shipped inside
 * an npm package, which decodes H.264/AAC through MSE), then a `chromium` on PATH (Debian's).
 */
export interface ChromiumExecutable {
  readonly path: string;
  readonly source: 'env' | 'npm' | 'path';
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'frontmaster-browser');

export const HOW_TO_GET_ONE =
  'the browser tests need a Chromium: `npm ci` installs one (@sparticuz/chromium, a devDependency); ' +
  'or install Debian\'s (`apt-get install -y chromium`, as .ci/run does when neither is there); ' +
  'or set CHROMIUM_PATH to a Chromium that decodes H.264/AAC';

/**
 * The npm package ships its binary brotli-compressed (bin/chromium.br). Its own `executablePath()`
 * unpacks to a fixed /tmp/chromium and reuses whatever is there (another version, or a half-written
 * file of a concurrent run), so we unpack to a folder named by the package's version, through a
 * temporary name and a rename: a reader sees the whole binary or none. ~2.5 s, once per checkout.
 */
async function unpackNpmChromium(): Promise<string | undefined> {
  // Its `exports` hide package.json from require.resolve; the folder is where npm ci puts it.
  const folder = join(ROOT, 'node_modules', '@sparticuz', 'chromium');
  const packed = join(folder, 'bin', 'chromium.br');
  if (!existsSync(packed)) return undefined;
  const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string };
  const target = join(CACHE, `sparticuz-chromium-${version}`, 'chromium');
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await pipeline(createReadStream(packed), createBrotliDecompress({ chunkSize: 2 ** 21 }), createWriteStream(partial, { mode: 0o755 }));
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumExecutable> {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist; ${HOW_TO_GET_ONE}`);
    return { path: configured, source: 'env' };
  }
  const npm = await unpackNpmChromium();
  if (npm) return { path: npm, source: 'npm' };
  const debian = onPath('chromium', env) ?? onPath('chromium-browser', env);
  if (debian) return { path: debian, source: 'path' };
  throw new Error(`No Chromium found: ${HOW_TO_GET_ONE}`);
}
