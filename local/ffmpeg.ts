import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/**
 * Which ffmpeg/ffprobe the local runtime runs. In order: the `FFMPEG_PATH`/`FFPROBE_PATH` variable,
 * then `ffmpeg`/`ffprobe` on `PATH`, then the static binaries shipped in `@ffmpeg-installer/ffmpeg`
 * and `@ffprobe-installer/ffprobe`, so a machine with nothing but Node still runs everything.
 */
export type ToolSource = 'env' | 'path' | 'npm';

export interface MediaTool {
  readonly name: 'ffmpeg' | 'ffprobe';
  readonly path: string;
  readonly source: ToolSource;
  /**
   * Extra environment the binary needs. The npm binaries are static glibc builds: the mpegts
   * demuxer converts DVB service names with iconv, which then loads the system's gconv modules
   * and crashes (measured: ffprobe 2023 build, SIGSEGV on any `.ts`). With no gconv directory
   * iconv fails cleanly and the name stays unconverted.
   */
  readonly env: Readonly<Record<string, string>>;
}

const require = createRequire(import.meta.url);
const STATIC_BUILD_ENV = { GCONV_PATH: '/nonexistent-gconv' } as const;

const SETTINGS = {
  ffmpeg: { variable: 'FFMPEG_PATH', npmPackage: '@ffmpeg-installer/ffmpeg' },
  ffprobe: { variable: 'FFPROBE_PATH', npmPackage: '@ffprobe-installer/ffprobe' },
} as const;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The npm package's binary; its postinstall `chmod` does not always run (e.g. `--ignore-scripts`). */
function fromNpm(name: MediaTool['name']): string {
  const { path } = require(SETTINGS[name].npmPackage) as { path: string };
  if (!isExecutable(path)) {
    try {
      chmodSync(path, statSync(path).mode | 0o111);
    } catch (err) {
      throw new Error(`${path} is not executable and cannot be made so (${String(err)}); set ${SETTINGS[name].variable}`, { cause: err });
    }
  }
  return path;
}

export function resolveTool(name: MediaTool['name'], env: NodeJS.ProcessEnv = process.env): MediaTool {
  const configured = env[SETTINGS[name].variable];
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`${SETTINGS[name].variable}=${configured} is not an executable file`);
    return { name, path: configured, source: 'env', env: {} };
  }
  const found = onPath(name, env);
  if (found) return { name, path: found, source: 'path', env: {} };
  return { name, path: fromNpm(name), source: 'npm', env: STATIC_BUILD_ENV };
}

let cached: { ffmpeg: MediaTool; ffprobe: MediaTool } | undefined;

/** The tools of this process, resolved once from `process.env`. */
export function mediaTools(): { ffmpeg: MediaTool; ffprobe: MediaTool } {
  cached ??= { ffmpeg: resolveTool('ffmpeg'), ffprobe: resolveTool('ffprobe') };
  return cached;
}

const MEANING: Record<ToolSource, string> = {
  env: 'chosen by the variable and used as is',
  path: 'found on PATH and used as is; a current build (e.g. Debian ffmpeg 5.1) seeks frame-accurately',
  npm: 'the static build shipped in the npm package, used because neither the variable nor PATH has one',
};

const NPM_CAVEAT: Record<MediaTool['name'], string> = {
  ffmpeg:
    'a 2018 build (4.1-dev): its input seeking is inaccurate, so clips seek on the output side and re-encode; ' +
    'set FFMPEG_PATH or install ffmpeg ≥ 5 for faster cuts',
  ffprobe: 'a 2023 build, run without system iconv modules, which crash it on MPEG-TS',
};

/** One line per tool, for the runtime's start banner and the README. */
export function describeMediaTools(tools = mediaTools()): string[] {
  return [tools.ffmpeg, tools.ffprobe].map((tool) => {
    const caveat = tool.source === 'npm' ? ` — ${NPM_CAVEAT[tool.name]}` : '';
    return `${tool.name}: ${tool.path} (${MEANING[tool.source]}${caveat})`;
  });
}
