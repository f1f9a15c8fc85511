import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ROUTES } from '../../../api/routes';

// The README's curl walkthrough, read as a newcomer pastes it: every request it makes is a route of
// the API (api/routes.ts), with the method it has; it writes nothing into the repository; its
// background publisher cannot be stopped by the terminal. (Run for real against `npm start` when
// it changes; this keeps it from drifting from the routes in between.)

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The sh block under `### With curl`. */
function curlBlock(): string {
  const section = README.split('\n### With curl\n')[1] ?? '';
  const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(block).toBeDefined();
  return block!;
}

/** Each `curl … $API/path` in the block as `METHOD /path`, shell variables as path parameters. */
function requests(block: string): string[] {
  const found: string[] = [];
  for (const match of block.matchAll(/curl [^\n]*?(?:-X (\w+) [^\n]*?)?\$API(\/[^\s"')]*)/g)) {
    const path = match[2].replace(/\$\w+|\{\w+\}/g, '{x}');
    found.push(`${match[1] ?? 'GET'} ${path}`);
  }
  return found;
}

const routeOf = (request: string) =>
  ROUTES.find((r) => {
    const [method, path] = request.split(' ');
    return r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path);
  });

describe("the README's curl walkthrough", () => {
  const block = curlBlock();

  it('calls only routes the API has, each with its method', () => {
    const calls = requests(block);
    expect(calls.length).toBeGreaterThanOrEqual(20);
    expect(calls.filter((call) => routeOf(call) === undefined)).toEqual([]);
    // Among them the split's progress route, whose download_url it downloads.
    expect(calls).toContain('GET /streams/{x}/splits/{x}');
  });

  it('writes nothing into the repository and publishes with ffmpeg -nostdin, saying how to stop it', () => {
    expect(block).not.toMatch(/\btee\b|stream\.json|> *[\w.-]+\.json/);
    for (const output of block.matchAll(/ -o (\S+)/g)) expect(output[1]).toMatch(/^(\/dev\/null|\$OUT\/)/);
    expect(block).toMatch(/OUT=\$\(mktemp -d\)/);
    const publisher = /\$FFMPEG [^\n]*/.exec(block)?.[0];
    expect(publisher).toContain('-nostdin');
    expect(block).toMatch(/PUBLISHER=\$!/);
    expect(block).toMatch(/kill \$PUBLISHER; wait \$PUBLISHER \|\| true/);
    // From any shell: by its PID file, never by a pattern (the runtime's own connector test pattern
    // runs a testsrc2 ffmpeg too).
    expect(block).toMatch(/echo \$PUBLISHER > "\$OUT\/publisher\.pid"/);
    expect(block).toMatch(/kill "\$\(cat [^)]*publisher\.pid\)"/);
    expect(block).not.toMatch(/pkill|killall/);
    // The local S3 from a variable (S3_PORT), not a hard-coded port.
    expect(block).toMatch(/S3=\$\{S3:-http:\/\/127\.0\.0\.1:4569\}/);
    expect(block.replace(/(API|S3)=\$\{\1:-[^}]*\}/g, '')).not.toMatch(/127\.0\.0\.1:\d+/);
  });

  it('waits for the scheduled start before the connector, and shows chime_start\'s answer whole', () => {
    const wait = block.indexOf('jq -r .state)" = running ]', block.indexOf('# 10.'));
    expect(wait).toBeGreaterThan(block.indexOf('# 10.'));
    expect(wait).toBeLessThan(block.indexOf('/chime_start'));
    expect(block).not.toMatch(/chime_start[^\n]*\n[^\n]*\| jq \.connector/);
  });
});

/** The sh block under `### With CLI`. */
function cliBlock(): string {
  const section = README.split('\n### With the CLI\n')[1] ?? '';
  const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(block).toBeDefined();
  return block!;
}

describe("the README's CLI walkthrough", () => {
  const block = cliBlock();

  it('sets every variable it uses', () => {
    const used = new Set([...block.matchAll(/\$\{?([A-Z_]+)/g)].map((m) => m[1]));
    const set = new Set([...block.matchAll(/(?:^|[\s;(])([A-Z_]+)=/gm)].map((m) => m[1]));
    expect([...used].filter((name) => !set.has(name))).toEqual([]);
  });

  it('publishes in the background with its own lines, stops it by PID, waits for the split and for the scheduled start', () => {
    expect(block).toContain('RTMP=$(npx fmls --json streams get $ID | jq -r .rtmp1)');
    expect(/\$FFMPEG [^\n]*/.exec(block)?.[0]).toMatch(/-nostdin -loglevel error/);
    expect(block).toMatch(/PUBLISHER=\$!/);
    expect(block).toMatch(/kill \$PUBLISHER; wait \$PUBLISHER \|\| true/);
    expect(block).not.toMatch(/pkill|killall|curl's step 3/);
    expect(block).toMatch(/npx fmls --json split [^\n]*--wait/);
    const wait = block.indexOf('jq -r .state)" = running ]', block.indexOf('# 10.'));
    expect(wait).toBeGreaterThan(block.indexOf('# 10.'));
    expect(wait).toBeLessThan(block.indexOf('fmls chime start'));
  });
});

describe('docs/CLI.md', () => {
  it("links to the README's CLI walkthrough instead of repeating it", () => {
    const doc = readFileSync(new URL('../../../docs/CLI.md', import.meta.url), 'utf8');
    expect(doc).toContain('](../README.md#with-the-cli)');
    expect(doc).not.toMatch(/step for step/);
  });
});
