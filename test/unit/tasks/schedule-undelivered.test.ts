import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { documentClient } from '../../../core/aws/clients/dynamodb';
import { StreamStore } from '../../../core/aws/store';
import { scheduleInput, type Schedule } from '../../../core/domain/schedule';
import { logger } from '../../../core/lambda/logger';
import { Input, run } from '../../../tasks/schedule-undelivered';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const now = () => new Date('2026-06-01T10:05:00Z');

afterEach(() => {
  jest.restoreAllMocks();
});

const due = (schedule_id: string, state: Schedule['state'], extra: Partial<Schedule> = {}): Schedule => ({
  schedule_id,
  action: 'start',
  at: '2026-06-01T10:00:00Z',
  state,
  ...extra,
});

let messages = 0;
/**
 * One record of the SQS event Lambda hands over from the schedules' dead-letter queue. EventBridge
 * Scheduler's dead-letter event holds "invocation details and any response received from the
 * target" (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html,
 * section "Retrieve the dead-letter event"): the body is the target's input as the schedule sent
 * it, the message attributes say why (ERROR_CODE, ERROR_MESSAGE; the others here, RETRY_ATTEMPTS,
 * SCHEDULE_ARN, TARGET_ARN, are not read). The record's shape (messageId, body, messageAttributes
 * with stringValue/dataType) is Lambda's SQS event (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
 */
function deadLetter(body: string, errorCode = 'AccessDeniedException', errorMessage = 'not authorized to perform states:StartExecution') {
  const attribute = (stringValue: string) => ({ stringValue, stringListValues: [], binaryListValues: [], dataType: 'String' });
  return {
    messageId: `m-${++messages}`,
    receiptHandle: 'AQEB…',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1780308000000' },
    messageAttributes: {
      ERROR_CODE: attribute(errorCode),
      ERROR_MESSAGE: attribute(errorMessage),
      RETRY_ATTEMPTS: attribute('3'),
      SCHEDULE_ARN: attribute('arn:aws:scheduler:us-west-2:111122223333:schedule/fm-group/fm-a'),
      TARGET_ARN: attribute('arn:aws:states:us-west-2:111122223333:stateMachine:fm-start'),
    },
    md5OfBody: '0',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:111122223333:dead-letters',
    awsRegion: 'us-west-2',
  };
}
const event = (...records: ReturnType<typeof deadLetter>[]) => Input.parse({ Records: records });

describe('schedule-undelivered', () => {
  it("marks a due schedule whose start was not delivered `failed` with Scheduler's error, and leaves fired and cancelled ones as they were", async () => {
    const pending = due('a'.repeat(32), 'scheduled', { start_options: { archive: true } });
    const fired = due('b'.repeat(32), 'fired', { execution_id: 'start-x' });
    const cancelled = due('c'.repeat(32), 'cancelled');
    const item = await aStream(store(), { schedules: { [pending.schedule_id]: pending, [fired.schedule_id]: fired, [cancelled.schedule_id]: cancelled } });
    const input = (s: Schedule) => JSON.stringify(scheduleInput(item.id, s));

    const out = await run(event(deadLetter(input(pending)), deadLetter(input(fired)), deadLetter(input(cancelled))), { store: store(), now });

    expect(out).toEqual({ batchItemFailures: [] });
    const { schedules } = await store().mustGet(item.id);
    expect(schedules[pending.schedule_id]).toEqual({
      ...pending,
      state: 'failed',
      error: 'could not start its workflow: AccessDeniedException: not authorized to perform states:StartExecution',
    });
    expect(schedules[fired.schedule_id]).toEqual(fired);
    expect(schedules[cancelled.schedule_id]).toEqual(cancelled);
  });

  it('lets go of a message that names no schedule (logged without its body), and still records the rest of the batch', async () => {
    const pending = due('d'.repeat(32), 'scheduled');
    const item = await aStream(store(), { schedules: { [pending.schedule_id]: pending } });
    const errors = jest.spyOn(logger, 'error');
    const unreadable = [deadLetter('{"stream_key":"live_sk_secret", "trunc'), deadLetter('{"stream_key":"live_sk_secret"}'), deadLetter('"just a string"')];

    const out = await run(event(...unreadable, deadLetter(JSON.stringify(scheduleInput(item.id, pending)))), { store: store(), now });

    expect(out).toEqual({ batchItemFailures: [] });
    expect((await store().mustGet(item.id)).schedules[pending.schedule_id]?.state).toBe('failed');
    expect(errors).toHaveBeenCalledTimes(unreadable.length);
    expect(errors.mock.calls.map((call) => call[1])).toEqual(unreadable.map((m) => ({ messageId: m.messageId, errorCode: 'AccessDeniedException' })));
    expect(JSON.stringify(errors.mock.calls)).not.toContain('live_sk_secret');
  });

  it('hands back only the messages whose store write failed (partial batch response), dropping none it could read', async () => {
    // The same dynalite, a table that does not exist: DynamoDB answers ResourceNotFoundException.
    const broken = new StreamStore(
      documentClient(new DynamoDBClient({ endpoint: store.endpoint(), region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })),
      'no-such-table',
    );
    const readable = deadLetter(JSON.stringify({ stream_id: 'e'.repeat(32), schedule_id: 'f'.repeat(32) }));

    const out = await run(event(readable, deadLetter('not json')), { store: broken, now });

    // Lambda's contract: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: readable.messageId }] });
  });

  it("redacts a stream key Scheduler's error message quotes from the target's input", async () => {
    const pending = due('9'.repeat(32), 'scheduled');
    const item = await aStream(store(), { schedules: { [pending.schedule_id]: pending } });

    await run(
      event(deadLetter(JSON.stringify(scheduleInput(item.id, pending)), 'ValidationException', 'bad input near rtmp://1.2.3.4:1935/live/sk-very-secret')),
      { store: store(), now },
    );

    const stored = (await store().mustGet(item.id)).schedules[pending.schedule_id];
    expect(stored?.state).toBe('failed');
    expect(stored?.error).toContain('ValidationException');
    expect(stored?.error).not.toContain('sk-very-secret');
  });

  it('puts a cost guard\'s undelivered stop on its stream\'s last_error while that session still runs; a later session is left alone', async () => {
    // The guard's schedule hands the stop machine `{stream_id, reason, session_id}` (core/domain/guards.ts);
    // Scheduler dead-letters that input as it does a timed start's.
    const session = 'a'.repeat(32);
    const running = await aStream(store(), { state: 'running', started: true, current_session_id: session });
    const later = await aStream(store(), { state: 'running', started: true, current_session_id: 'b'.repeat(32) });
    const firing = (streamId: string) => JSON.stringify({ stream_id: streamId, reason: 'max_session', session_id: session });

    const out = await run(event(deadLetter(firing(running.id)), deadLetter(firing(later.id)), deadLetter(firing('c'.repeat(32)))), { store: store(), now });

    expect(out).toEqual({ batchItemFailures: [] });
    expect((await store().mustGet(running.id)).last_error).toEqual({
      action: 'stop',
      message:
        'the max_session guard could not start its workflow: AccessDeniedException: not authorized to perform states:StartExecution; the session it should have stopped still runs: stop it',
      at: String(Date.parse('2026-06-01T10:05:00Z') / 1000),
      execution_id: null,
    });
    expect((await store().mustGet(later.id)).last_error).toBeNull();
  });
});
