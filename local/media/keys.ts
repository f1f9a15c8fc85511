import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * AES-128 keys for a channel's live HLS, rotated every `intervalSeconds` like MediaPackage's
 * `KeyRotationIntervalSeconds`. ffmpeg's hls muxer reads the key info file at every segment start
 * (`hls_flags periodic_rekey`), so a new key takes effect at the next segment boundary.
 *
 * Key info file (ffmpeg's format): the key's URI as written in the playlist, the path ffmpeg reads
 * the 16 key bytes from, and the IV in hex. Both files are written whole and renamed into place,
 * so ffmpeg never reads half a key.
 */
export interface KeyRotation {
  /** The key info file to give ffmpeg (`hls_key_info_file`). */
  readonly infoFile: string;
  /**
   * Deletes every key file except those named (`keys/{id}.key` URIs) and the latest few, which a
   * segment still being written may use before the playlist names it.
   */
  retainOnly(uris: ReadonlySet<string>): Promise<void>;
  stop(): void;
}

export const KEYS_DIR = 'keys';

export async function startKeyRotation(options: {
  /** The endpoint's directory: keys go to `{dir}/keys/`, the info file to `{dir}/work/`. */
  dir: string;
  intervalSeconds: number;
  onError: (err: unknown) => void;
}): Promise<KeyRotation> {
  const keysDir = join(options.dir, KEYS_DIR);
  const workDir = join(options.dir, 'work');
  await mkdir(keysDir, { recursive: true });
  await mkdir(workDir, { recursive: true });
  const infoFile = join(workDir, 'keyinfo.txt');
  let counter = 0;
  const latest: string[] = [];

  const rotate = async () => {
    counter += 1;
    // Unguessable names: a viewer can fetch the keys the playlist names, not enumerate others.
    const id = `${String(counter).padStart(6, '0')}-${randomBytes(8).toString('hex')}`;
    const keyFile = join(keysDir, `${id}.key`);
    await writeFile(`${keyFile}.tmp`, randomBytes(16));
    await rename(`${keyFile}.tmp`, keyFile);
    const uri = `${KEYS_DIR}/${id}.key`;
    await writeFile(`${infoFile}.tmp`, `${uri}\n${keyFile}\n${randomBytes(16).toString('hex')}\n`);
    await rename(`${infoFile}.tmp`, infoFile);
    latest.push(uri);
    if (latest.length > 3) latest.shift();
  };

  await rotate();
  const timer = setInterval(() => void rotate().catch(options.onError), options.intervalSeconds * 1000);
  timer.unref();
  return {
    infoFile,
    async retainOnly(uris) {
      for (const file of await readdir(keysDir)) {
        const uri = `${KEYS_DIR}/${file}`;
        if (file.endsWith('.key') && !latest.includes(uri) && !uris.has(uri)) await rm(join(keysDir, file), { force: true });
      }
    },
    stop() {
      clearInterval(timer);
    },
  };
}
