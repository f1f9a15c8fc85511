import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { parseTaskInput } from '../../../core/lambda/task-handler';
import { Input as BeginSessionInput } from '../../../tasks/begin-session';
import { Input as ConfigureChannelInput } from '../../../tasks/configure-channel';
import { Input as CreateChannelInput } from '../../../tasks/create-channel';
import { Input as DescribeChannelInput } from '../../../tasks/describe-channel';
import { Input as RecordConnectorInput } from '../../../tasks/record-connector';
import { Input as RecordLiveInput } from '../../../tasks/record-live';
import { errorOf } from '../../fixtures/api-reply';
import { ApiHarness } from '../api/harness';

/**
 * The validation messages people read, word for word as classic zod wrote them (the figures are
 * what b8e802d, still on classic zod, answered for these inputs): a 400's `details`, a task's
 * `Invalid` input, a configuration error. The schemas are zod/mini, which loads no locale and
 * would say "Invalid input" to nearly every one of them; core/domain/zod.ts sets English once.
 * Nothing this file imports loads classic zod (whose first schema would set English itself), so
 * only that module can make these pass.
 */

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

describe('the API 400 details', () => {
  it('name the type, size and integer rules as classic zod did', async () => {
    const res = await h.call('POST', '/streams', { name: '', description: 5, segment_length: 1.5 });

    expect(res.status).toBe(400);
    expect(errorOf(res).details).toEqual([
      { path: 'name', message: 'Too small: expected string to have >=1 characters' },
      { path: 'description', message: 'Invalid input: expected string, received number' },
      { path: 'segment_length', message: 'Invalid input: expected int, received number' },
    ]);
  });

  it('name upper bounds, patterns, enums and nested fields as classic zod did', async () => {
    const stream = await h.seed();

    const tooBig = await h.call('POST', '/streams', { name: 'x'.repeat(129), segment_length: 3601 });
    const update = await h.call('POST', `/streams/${stream.id}`, { last_update: 'abc', state: 'nope', connector: { target: 'x' } });

    expect(errorOf(tooBig).details).toEqual([
      { path: 'name', message: 'Too big: expected string to have <=128 characters' },
      { path: 'segment_length', message: 'Too big: expected number to be <=3600' },
    ]);
    expect(errorOf(update).details).toEqual([
      { path: 'last_update', message: 'Invalid string: must match pattern /^\\d+$/' },
      { path: 'state', message: 'Invalid option: expected one of "creating"|"idle"|"starting"|"running"|"stopping"|"deleting"|"failed"' },
      { path: 'connector.target', message: 'Invalid option: expected one of "medialive"|"ivs"' },
      { path: 'connector.state', message: 'Invalid option: expected one of "starting"|"running"|"stopping"' },
      { path: 'connector.chime_url', message: 'Invalid input: expected string, received undefined' },
      { path: 'connector.task_id', message: 'Invalid input: expected string, received undefined' },
      { path: 'connector.started_at', message: 'Invalid input: expected string, received undefined' },
    ]);
  });

  it('name array bounds in a split body as classic zod did', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/split`, { timestamp_list: [], session_id: '' });

    expect(errorOf(res).details).toEqual([
      { path: 'timestamp_list', message: 'Too small: expected array to have >=1 items' },
      { path: 'session_id', message: 'Too small: expected string to have >=1 characters' },
    ]);
  });
});

describe('a task input that does not parse', () => {
  const messageOf = (schema: Parameters<typeof parseTaskInput>[0], input: unknown) => {
    try {
      parseTaskInput(schema, input);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('the input parsed');
  };

  it('is Invalid with the messages classic zod wrote', () => {
    expect(messageOf(ConfigureChannelInput, { stream_id: 1, archive_path: 'http://x' })).toBe(
      'task input invalid: stream_id: Invalid input: expected string, received number; archive_path: Invalid string: must start with "s3://"',
    );
    expect(messageOf(BeginSessionInput, { start: { stream_id: 's' }, started_at: 'yesterday' })).toBe(
      'task input invalid: execution_name: Invalid input: expected string, received undefined; started_at: Invalid ISO datetime',
    );
    expect(messageOf(CreateChannelInput, { stream_id: 's', execution_name: 'e', input_id: '', package_channel_id: 'p', segment_length: -2 })).toBe(
      'task input invalid: input_id: Too small: expected string to have >=1 characters; segment_length: Too small: expected number to be >0',
    );
    expect(messageOf(RecordLiveInput, { stream_id: 's', live: true, live_endpoint: 'not a url' })).toBe('task input invalid: live_endpoint: Invalid URL');
    expect(messageOf(DescribeChannelInput, { channel_id: 'c', poll: { deadline_seconds: 0.5, attempt: -1 } })).toBe(
      'task input invalid: poll.deadline_seconds: Invalid input: expected int, received number; poll.attempt: Too small: expected number to be >=0',
    );
    expect(messageOf(RecordConnectorInput, { outcome: 'bogus' })).toBe("task input invalid: outcome: Invalid discriminator value. Expected 'running' | 'stopped'");
  });
});

describe('a configuration that does not parse', () => {
  it('names each variable with the messages classic zod wrote', () => {
    expect(() => loadConfig({ API_WAIT_SECONDS: 'abc' })).toThrow('invalid configuration: API_WAIT_SECONDS: Invalid input: expected number, received NaN');
    expect(() => loadConfig({ API_WAIT_SECONDS: '2.5' })).toThrow('invalid configuration: API_WAIT_SECONDS: Invalid input: expected int, received number');
    expect(() => loadConfig({ STATE_MACHINE_ARNS: '[1', LIVE_BASE_URL: 'nope' })).toThrow(
      'invalid configuration: LIVE_BASE_URL: Invalid URL; STATE_MACHINE_ARNS: STATE_MACHINE_ARNS must be a JSON object of action → ARN',
    );
    expect(loadConfig({ API_WAIT_SECONDS: '7', CONNECTOR_SUBNETS: 'a, b,' })).toMatchObject({ API_WAIT_SECONDS: 7, CONNECTOR_SUBNETS: ['a', 'b'] });
  });
});
