import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { parseArchivePath } from '../../core/domain/archive-path';
import { parseVodPlaylist } from '../../core/domain/hls-playlist';
import { framesPerSecond } from '../../core/domain/timecode';
import { SplitAcceptedSchema } from '../../api/schemas';
import { SplitProgressViewSchema } from '../../api/split-progress-schemas';
import { ExecutionDetailSchema } from '../../core/aws/executions';
import { inputTiming } from '../../local/mediaconvert-job';
import { bodyOf, recordOf } from '../fixtures/api-reply';
import { frameNumbers, probeDuration, publishNumberedFrames } from '../fixtures/archive';
import { waitFor } from '../fixtures/media';
import { SplitReportSchema } from '../fixtures/split-report';
import { EVENT_DATA_SCHEMAS, EVENT_SOURCE, StreamEventSchema, type StreamEvent } from '../../core/domain/events';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';


/**
 * Split end to end on the local runtime: record a publish whose every frame shows its number,
 * split the session through the API, and check each MP4 frame by frame against the archive
 * itself (decoded from the same segments), its duration with ffprobe, and each playlist with the
 * strict reader; a section past the end fails alone, with its reason in the execution's output.
 * The split is followed through its progress route, and each MP4 is fetched through its download_url.
 */
const SEGMENT_LENGTH = 4;
const PUBLISH_SECONDS = 14;

let t: TestRuntime;
let dir: string;
const sectionEvents: StreamEvent[] = [];

beforeAll(async () => {
  t = await startTestRuntime('split');
  dir = t.runtime.endpoints.dataDir;
  // A rule on the split sections' events, as a user's would be in the cloud.
  t.runtime.bus.subscribe({ source: [EVENT_SOURCE], 'detail-type': ['split.section.done', 'split.section.failed'] }, (event) => {
    sectionEvents.push(StreamEventSchema.parse(event.detail));
  });
}, 120_000);

afterAll(async () => t?.close(), 120_000);

/** The local S3's plain-HTTP URL of an s3:// URI (path-style, as the README's configuration table promises). */
function s3Url(uri: string): string {
  const { bucket, prefix: key } = parseArchivePath(uri);
  return `${t.runtime.endpoints.s3}/${bucket}/${key}`;
}

async function fetchS3(uri: string): Promise<Buffer> {
  const res = await fetch(s3Url(uri));
  expectWithMessage(res.status, uri).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('split end to end (local runtime)', () => {
  it(
    'cuts sections of a real recording frame-exactly, and reports a section past the end without stopping the others',
    async () => {
      // Record
      const created = await t.api('POST', '/streams', { name: 'split e2e', segment_length: SEGMENT_LENGTH });
      const id: string = recordOf(created).id;
      await t.untilState(id, 'idle');
      expect((await t.api('POST', `/streams/${id}/start`)).status).toBe(202);
      const running = await t.untilState(id, 'running');
      const session = running.current_session_id!;
      const publisher = publishNumberedFrames(running.rtmp1, PUBLISH_SECONDS);
      expect((await publisher.exited).code).toBe(0);
      expect((await t.api('POST', `/streams/${id}/stop`)).status).toBe(202);
      const stopped = await t.untilState(id, 'idle');
      const archivePath = stopped.archives_path[session];

      // Split
      const sections = [
        { start: 1.24, end: 5.5 },
        { start: 4, end: 8 },
        { start: 1000, end: 1010 },
      ];
      const split = await t.api('POST', `/streams/${id}/split`, { session_id: session, timestamp_list: sections, name_modifier: 'e2e' });
      expect(split.status).toBe(202);
      const accepted = bodyOf(split, SplitAcceptedSchema);
      // Followed through the progress route until every section has ended (not the execution history).
      const ended = await waitFor(async () => {
        const progress = bodyOf(await t.api('GET', `/streams/${id}/splits/${encodeURIComponent(accepted.execution_id)}`), SplitProgressViewSchema);
        return progress.sections.every((s) => s.state !== 'pending') && progress.status !== 'RUNNING' ? progress : undefined;
      }, 300_000);
      if (!ended) throw new Error('the split\'s sections did not all end within 300 s');
      const execution = bodyOf(await t.api('GET', `/streams/${id}/executions/${encodeURIComponent(accepted.execution_id)}`), ExecutionDetailSchema);
      expectWithMessage(execution.status, JSON.stringify(execution.error)).toBe('SUCCEEDED');
      const report = SplitReportSchema.parse(execution.output);
      const outcomes = report.sections;
      expect(outcomes.map((o) => o.status)).toEqual(['COMPLETE', 'COMPLETE', 'FAILED']);
      expect(outcomes[2].error).toMatch(/^section 2 \[1000, 1010\]: starts after the end of the archive \(\d+(\.\d+)? s\)$/);
      expect(outcomes.map((o) => o.output)).toEqual(accepted.outputs.map((o) => o.output));

      // The archive itself, decoded: frame i of the session is archive[i].
      const { pipeline } = report;
      const playlists = await Promise.all(outcomes.slice(0, 2).map(async (o) => parseVodPlaylist((await fetchS3(o.playlist)).toString('utf8'))));
      const segmentNames = [...new Set(playlists.flatMap((p) => p.segments.map((s) => s.uri)))].sort();
      for (const name of segmentNames) expect(name.startsWith(`${pipeline}.`)).toBe(true);
      const first = await fetchS3(`${archivePath}${pipeline}.000001.ts`);
      const fps = framesPerSecond(inputTiming(first).rate);
      const all: Buffer[] = [];
      for (let counter = 1; ; counter++) {
        const res = await fetch(s3Url(`${archivePath}${pipeline}.${String(counter).padStart(6, '0')}.ts`));
        if (res.status !== 200) break;
        all.push(Buffer.from(await res.arrayBuffer()));
      }
      writeFileSync(join(dir, 'archive.ts'), Buffer.concat(all));
      const archive = await frameNumbers(join(dir, 'archive.ts'));

      // The progress route, read without the execution history: every section ended, each done
      // one with a download URL that serves its MP4 (the one probed below), the failed one its reason.
      const progress = bodyOf(await t.api('GET', `/streams/${id}/splits/${encodeURIComponent(accepted.execution_id)}`), SplitProgressViewSchema);
      expect(progress.status).toBe('SUCCEEDED');
      expect(progress.sections.map((s) => s.state)).toEqual(['done', 'done', 'failed']);
      expect(progress.sections[2].error).toBe(outcomes[2].error);
      expect(progress.sections[2].download_url).toBeUndefined();
      const downloads = progress.sections.slice(0, 2).map((s) => s.download_url ?? '');
      expect(downloads).toEqual(outcomes.slice(0, 2).map((o) => s3Url(o.output)));

      // Each section's outcome went out once as an event (the progress table's own writes, through
      // the streams stand-in and the publisher), its data as docs/EVENTS.md documents it.
      const ofThisSplit = () => sectionEvents.filter((e) => e.stream_id === id && e.data.execution_id === accepted.execution_id);
      expectWithMessage(await waitFor(() => Promise.resolve(ofThisSplit().length >= 3), STEP_MS), `${ofThisSplit().length} of 3 section events reached the bus`).toBe(true);
      const events = ofThisSplit().sort((a, b) => Number(a.data.index) - Number(b.data.index));
      expect(events.map((e) => [e.kind, e.data.index])).toEqual([
        ['split.section.done', 0],
        ['split.section.done', 1],
        ['split.section.failed', 2],
      ]);
      for (const event of events) expect(() => EVENT_DATA_SCHEMAS[event.kind].parse(event.data)).not.toThrow();
      expect(events.map((e) => e.data.output)).toEqual([outcomes[0].output, outcomes[1].output, null]);
      expect(events[2].data.error).toBe(outcomes[2].error);

      for (const [i, section] of sections.slice(0, 2).entries()) {
        const file = join(dir, `section-${i}.mp4`);
        const download = await fetch(downloads[i]);
        expectWithMessage(download.status, downloads[i]).toBe(200);
        writeFileSync(file, Buffer.from(await download.arrayBuffer()));
        const from = Math.floor(section.start * fps + 1e-6);
        const count = Math.round((section.end - section.start) * fps);
        expect(await frameNumbers(file)).toEqual(archive.slice(from, from + count));
        expect(Math.abs((await probeDuration(file)) - (section.end - section.start))).toBeLessThanOrEqual(1 / fps);
      }
    },
    600_000,
  );
});
