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
    expect(block).toMatch(/kill \$PUBLISHER/);
    expect(block).toMatch(/pkill -f testsrc2=size=1280x720/);
  });
});
