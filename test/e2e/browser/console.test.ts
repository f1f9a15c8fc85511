import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { expectWithMessage } from '../../fixtures/expect-with-message';
import { probeDuration } from '../../fixtures/archive';
import { publish, tempDir } from '../../fixtures/media';
import { startTestRuntime, type TestRuntime } from '../harness';
import { launchBrowser, type BrowserSession } from './browser';
import { watchErrors, type PageErrors } from './page-errors';
import { screenshot } from './screenshot';
import { seek, untilPlays } from './video';

/**
 * The operator console in a real headless Chromium against the local runtime, driven only through
 * what an operator sees: the accessible names of ../shared (roles, labels, link texts), so a view
 * that loses a label fails here as it would fail a screen reader. The walkthrough is the issue's:
 * create, start, publish, watch the preview, go live, stop, mark two sections, split, download.
 * Each view's screenshot goes to docs/screenshots/.
 */
const SEGMENT_LENGTH = 2;
const PUBLISH_SECONDS = 20;
const FPS = 15;
/** How long a control may take to show or enable: the views poll every 2 s. */
const UI_MS = 15_000;

let t: TestRuntime;
let browser: BrowserSession;
let downloads: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  // Side by side (the runtime's start and Chromium's are both seconds); if one fails, the others are closed.
  const started = await Promise.allSettled([startTestRuntime('browser'), launchBrowser(), tempDir('browser-downloads-')] as const);
  const [runtime, chromium, folder] = started;
  if (runtime.status === 'fulfilled') t = runtime.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (folder.status === 'fulfilled') downloads = folder.value;
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  browser.context.setDefaultTimeout(UI_MS);
}, 120_000);

afterAll(async () => {
  await Promise.all([browser?.close(), t?.close(), downloads?.remove()]);
}, 60_000);

async function openConsole(): Promise<{ page: Page; errors: PageErrors }> {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const reply = await page.goto(`${t.runtime.endpoints.api}/`);
  expectWithMessage(reply?.status(), 'GET / of the API port (the console)').toBe(200);
  await page.getByRole('heading', { level: 1, name: 'Streams' }).waitFor();
  return { page, errors };
}

/** The create form: a <form> (role form once named) or a region named "Create stream". */
function createForm(page: Page) {
  return page.getByRole('form', { name: 'Create stream' }).or(page.getByRole('region', { name: 'Create stream' }));
}

/** The <video> of that accessible name (a region may carry the same name). */
function player(page: Page, name: string) {
  return page.locator('video').and(page.getByLabel(name, { exact: true }));
}

/** Types a field's value as an operator does: the field takes it when the focus leaves (its change event). */
async function type(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.blur();
}

/** A time field's value in seconds: plain seconds or [[HH:]MM:]SS(.fff), as the recording view may show it. */
function seconds(value: string): number {
  const parts = value.trim().split(':').map(Number);
  if (parts.some((p) => !Number.isFinite(p))) throw new Error(`not a time: ${JSON.stringify(value)}`);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

describe('operator console in a real browser', () => {
  it('shows the API\'s validation errors next to each field of the create form', async () => {
    const { page, errors } = await openConsole();
    // The API answers 400 on purpose here; Chromium logs that response as a console error.
    errors.expect(/status of 400/);
    const form = createForm(page);
    // Values no browser-side rule stops, so the API's own validation is what answers.
    await form.getByLabel('Name').fill('');
    await form.getByLabel('Segment length (s)').fill('0');
    const [reply] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/streams'),
      form.getByRole('button', { name: 'Create' }).click(),
    ]);
    // The API's status for a body that fails its schema.
    expect(reply.status()).toBe(400);
    const { details } = ((await reply.json()) as { error: { details?: { path: string; message: string }[] } }).error;
    const byPath = (field: string) => (details ?? []).filter((d) => d.path === field).map((d) => d.message);

    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/\S/);
    for (const [label, field] of [['Name', 'name'], ['Segment length (s)', 'segment_length']] as const) {
      const messages = byPath(field);
      expectWithMessage(messages.length, `the API named no error at ${field}: ${JSON.stringify(details)}`).toBeGreaterThan(0);
      // "Next to the field": the input is marked invalid and describes itself with the API's own message.
      const input = form.getByLabel(label, { exact: true });
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
      const description = (await page.locator(describedBy.split(/\s+/).filter(Boolean).map((id) => `[id="${id}"]:visible`).join(',') || 'none').allTextContents()).join(' ');
      for (const message of messages) expectWithMessage(description, `${label}'s description`).toContain(message);
    }
    await screenshot(page, 'create-form-errors');

    // Text a number input cannot read ("1e") reads as "": refused in the page, naming the field,
    // rather than sent without it (the default would apply).
    const sent: string[] = [];
    page.on('request', (r) => void (r.method() === 'POST' && sent.push(r.url())));
    await form.getByLabel('Name').fill('Not a number');
    const segment = form.getByLabel('Segment length (s)', { exact: true });
    await segment.fill('');
    await segment.pressSequentially('1e');
    await form.getByRole('button', { name: 'Create' }).click();
    await alert.getByText('Segment length (s): not a number').waitFor();
    expect(await segment.getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([]);
    // Nothing was created.
    expect((await t.api('GET', '/streams')).body).toEqual([]);
    errors.assertNone();
    await page.close();
  }, 60_000);

  it(
    'walks an event day: create, start, publish, preview, live, stop, mark two sections, split, download each',
    async () => {
      const { page, errors } = await openConsole();
      try {
        await walkthrough(page, errors);
      } catch (err) {
        // What the operator would have seen: the page's alerts and its console.
        const alerts = await page.getByRole('alert').allTextContents().catch(() => []);
        if (err instanceof Error) {
          const original = err.message;
          err.message += `\n\nat ${page.url()}\nalerts: ${JSON.stringify(alerts.filter((a) => a.trim()))}\nconsole:\n${errors.recent()}`;
          // Jest prints the stack, whose first line was written from the message as it was thrown.
          if (err.stack?.includes(original)) err.stack = err.stack.replace(original, err.message);
        }
        throw err;
      }
    },
    120_000,
  );
});

/** The walkthrough, step by step, as an operator clicks it; screenshots on the way. */
async function walkthrough(page: Page, errors: PageErrors): Promise<void> {
  // Create
  const form = createForm(page);
  await form.getByLabel('Name').fill('Browser workshop');
  await form.getByLabel('Description').fill('Created by the browser test');
  await form.getByLabel('Segment length (s)').fill(String(SEGMENT_LENGTH));
  await form.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Browser workshop' }) });
  await row.getByText('idle', { exact: true }).waitFor();
  await screenshot(page, 'streams');

  // A stream
  await row.getByRole('link', { name: 'Browser workshop' }).click();
  await page.getByRole('heading', { level: 1, name: 'Browser workshop' }).waitFor();
  const id = /#\/streams\/([0-9a-f]{32})$/.exec(page.url())?.[1];
  expectWithMessage(id, `the stream view's address ${page.url()}`).toBeTruthy();
  const badge = (state: string) => page.getByText(state, { exact: true }).first();

  // Start, and publish to what the OBS panel says
  // Running comes before the publisher's first segment: until then the packager answers the
  // Preview's playlist with 404 (in the cloud as here), hls.js asks again, Chromium logs each.
  const record = await t.record(id!);
  const warmingUp = errors.expect(/status of 404/, record.viewer_endpoint);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await badge('running').waitFor();
  // Delete on a running stream asks for a second press, in the page; Cancel keeps the stream.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).waitFor();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).waitFor();
  expect(await page.getByRole('button', { name: 'Confirm delete' }).count()).toBe(0);
  expect((await t.record(id!)).state).toBe('running');
  const keyField = page.getByLabel('Stream key', { exact: true });
  // The key is a secret on a shared screen: masked until asked for.
  expect(await keyField.getAttribute('type')).toBe('password');
  // Not merely masked: the key is kept out of the DOM (the field's value) until Show.
  expect(await keyField.inputValue()).toBe('');
  await page.getByRole('button', { name: 'Show stream key' }).click();
  expect(await keyField.getAttribute('type')).toBe('text');
  const server = await page.getByLabel('Server', { exact: true }).inputValue();
  const key = await keyField.inputValue();
  expect(`${server.replace(/\/$/, '')}/${key}`).toBe(record.rtmp1);
  await page.getByRole('button', { name: 'Hide stream key' }).click();
  expect(await keyField.getAttribute('type')).toBe('password');
  expect(await keyField.inputValue()).toBe('');
  const publisher = publish(`${server.replace(/\/$/, '')}/${key}`, PUBLISH_SECONDS, FPS);
  try {
    await untilPlays(player(page, 'Preview'), 'the Preview player');
    warmingUp();

    // Live
    await page.getByRole('button', { name: 'Go live' }).click();
    await untilPlays(player(page, 'Live preview'), 'the Live preview player');
    await screenshot(page, 'stream');
    await screenshot(page, 'stream-players', player(page, 'Preview'));
    expectWithMessage((await publisher.exited).code, publisher.stderrTail()).toBe(0);
  } finally {
    await publisher.stop();
  }

  // Stop
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await badge('idle').waitFor({ timeout: 60_000 });

  // The recording: two sections, one typed, one marked on the player
  await page.getByRole('link', { name: /^Recording/ }).first().click();
  const video = player(page, 'Recording');
  await video.waitFor();
  // Loaded paused at its start, for marking: the operator presses play.
  await page.getByRole('button', { name: 'Mark in' }).and(page.locator(':enabled')).waitFor();
  await video.evaluate((v) => (v as unknown as { play(): Promise<void> }).play());
  const loaded = await untilPlays(video, 'the Recording player', 0.5);
  expectWithMessage(loaded.duration, 'the recording\'s duration').toBeGreaterThan(8);
  if ((await page.getByLabel('Section 1 start', { exact: true }).count()) === 0) await page.getByRole('button', { name: 'Add section' }).click();
  await type(page.getByLabel('Section 1 start', { exact: true }), '1');
  await type(page.getByLabel('Section 1 end', { exact: true }), '3.5');
  await type(page.getByLabel('Section 1 name', { exact: true }), 'opening');
  await page.getByRole('button', { name: 'Add section' }).click();
  await type(page.getByLabel('Section 2 name', { exact: true }), 'demo');
  await seek(video, 4);
  await page.getByRole('button', { name: 'Mark in' }).click();
  await seek(video, 7);
  await page.getByRole('button', { name: 'Next frame' }).click();
  await page.getByRole('button', { name: 'Mark out' }).click();
  const marked = [];
  for (const n of [1, 2]) {
    const start = seconds(await page.getByLabel(`Section ${n} start`, { exact: true }).inputValue());
    const end = seconds(await page.getByLabel(`Section ${n} end`, { exact: true }).inputValue());
    marked.push({ start, end });
  }
  expect(marked[0]).toEqual({ start: 1, end: 3.5 });
  // Mark in takes the start of the frame on screen, Mark out its end (that frame is the section's
  // last); Next frame moved from frame 105 (7 s at 15 fps) to 106, so the section ends with 106.
  expect(marked[1].start).toBeCloseTo(4, 3);
  expect(marked[1].end).toBeCloseTo((7 * FPS + 2) / FPS, 3);

  // Split, and follow each section to its MP4
  await page.getByRole('button', { name: 'Split' }).click();
  for (const n of [1, 2]) await page.getByRole('link', { name: `Download section ${n}` }).waitFor({ timeout: 90_000 });
  await screenshot(page, 'recording', page.getByRole('link', { name: 'Download section 2' }));
  for (const [i, section] of marked.entries()) {
    const link = page.getByRole('link', { name: `Download section ${i + 1}` });
    // A download, as the operator's click makes it (not a fetch of the href: a link that only
    // navigates to the MP4 would pass that and download nothing).
    const started = page.waitForEvent('download', { timeout: 10_000 });
    const href = await link.getAttribute('href');
    await link.click();
    const download = await started.catch((err: unknown) => {
      throw new Error(`clicking "Download section ${i + 1}" (href ${href}) started no download; the page is at ${page.url()}`, { cause: err });
    });
    const file = join(downloads.path, `section-${i + 1}.mp4`);
    await download.saveAs(file);
    const duration = await probeDuration(file);
    expectWithMessage(Math.abs(duration - (section.end - section.start)), `section ${i + 1} [${section.start}, ${section.end}] is ${duration} s`).toBeLessThanOrEqual(1 / FPS + 1e-3);
  }

  // Each split result's execution link says which section it is (not a list of "execution"s).
  expect(await page.getByRole('link', { name: 'Section 1 execution', exact: true }).count()).toBe(1);
  expect(await page.getByRole('link', { name: 'Section 2 execution', exact: true }).count()).toBe(1);

  // The start's execution, as a timeline
  await page.goto(`${t.runtime.endpoints.api}/#/streams/${id}`);
  await page.getByRole('link', { name: /^start/ }).first().click();
  const steps = page.getByRole('list', { name: 'States' }).getByRole('listitem');
  await steps.nth(1).waitFor();
  await page.getByText(/SUCCEEDED/).first().waitFor();
  await page.getByText(/^Retries:/).waitFor();
  await screenshot(page, 'execution');
  errors.assertNone();
}
