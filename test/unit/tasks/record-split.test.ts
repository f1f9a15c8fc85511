import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Invalid, NotFound } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { parseTaskInput } from '../../../core/lambda/task-handler';
import { Input as EndInput } from '../../../tasks/record-split-end';
import { splitOutputs } from '../../../core/domain/split-outputs';
import { SPLIT_STATES } from '../../../workflows/split';
import { startProgressTable, type ProgressTable } from '../../fixtures/split-progress';

/** The split's record tasks over a real progress table (dynalite), as the workflow's record states call them. */
let table: ProgressTable;
beforeAll(async () => {
  table = await startProgressTable('fem-workshops-out');
});
afterAll(async () => table?.close());

const ARCHIVE = 's3://fem-livestream-archive/2026/03/01/abc-1772366400/';
const sections = [
  { start: 0, end: 90.5 },
  { start: 120, end: 600 },
];

function aSplit() {
  const execution_id = `arn:aws:states:us-east-1:000000000000:execution:fm-split:split-${newHexId()}`;
  return { execution_id, stream_id: newHexId(), archive_path: ARCHIVE, name_modifier: 'day-1', timestamp_list: sections };
}

describe('record-split-plan', () => {
  it('writes every section pending under the names the API answered (the same rule, the same bucket)', async () => {
    const split = aSplit();

    expect(await table.handlers[SPLIT_STATES.recordPlan](split)).toEqual({ sections: 2 });

    const item = await table.store.get(split.execution_id);
    const outputs = splitOutputs({ archivePath: ARCHIVE, outputBucket: 'fem-workshops-out', nameModifier: 'day-1', sections });
    expect(item?.sections.map((s) => s.output)).toEqual(outputs.map((o) => o.output));
    expect(item?.sections[0].output).toBe('s3://fem-workshops-out/2026/03/01/abc-1772366400/index_day-1_0.mp4');
  });
});

describe('record-split-section', () => {
  it('records the section and answers its state; a section the split lacks is NotFound', async () => {
    const split = aSplit();
    await table.handlers[SPLIT_STATES.recordPlan](split);
    const outcome = { index: 1, start: 120, end: 600, playlist: `${ARCHIVE}index_day-1_1.m3u8`, output: 'o', status: 'FAILED', error: 'section 1: no' };

    expect(await table.handlers[SPLIT_STATES.recordSection]({ execution_id: split.execution_id, outcome })).toEqual({ state: 'failed' });
    await expect(
      Promise.resolve().then(() => table.handlers[SPLIT_STATES.recordSection]({ execution_id: split.execution_id, outcome: { ...outcome, index: 5 } })),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

describe('record-split-end', () => {
  it('records a failure with the readable, redacted message of what the workflow caught', async () => {
    const split = aSplit();
    await table.handlers[SPLIT_STATES.recordPlan](split);
    const cause = JSON.stringify({ errorType: 'Invalid', errorMessage: 'cannot read rtmp://1.2.3.4:1935/live/SECRETKEY', trace: ['at x'] });

    expect(await table.handlers[SPLIT_STATES.recordFailure]({ execution_id: split.execution_id, status: 'FAILED', failure: { Error: 'Invalid', Cause: cause } })).toEqual({ status: 'FAILED' });

    const item = await table.store.get(split.execution_id);
    expect(item?.error).toMatch(/^Invalid: cannot read rtmp:\/\/1\.2\.3\.4:1935\/live\//);
    expect(JSON.stringify(item)).not.toContain('SECRETKEY');
    expect(item?.sections.map((s) => s.state)).toEqual(['failed', 'failed']);
  });

  it('refuses an end that is neither a success with outcomes nor a failure with what was caught', () => {
    // As the task's handler parses it: Invalid, which no workflow retries.
    expect(() => parseTaskInput(EndInput, { execution_id: 'x', status: 'SUCCEEDED' })).toThrow(new Invalid('task input invalid: sections: Invalid input: expected array, received undefined'));
    expect(() => parseTaskInput(EndInput, { execution_id: 'x', status: 'FAILED' })).toThrow(/task input invalid: failure/);
  });
});
