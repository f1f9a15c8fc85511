import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Services } from '../../core/aws/services';
import { listDeliveries, putWebhook } from '../../core/aws/webhook-store';
import { loadConfig } from '../../core/lambda/config';
import { WEBHOOK_HEADERS, type Webhook } from '../../core/domain/webhook';
import { DELIVERY_WORKFLOW } from '../../core/domain/webhook-workflow';
import { EVENT_SOURCE, type StreamEvent } from '../../core/domain/events';
import { bindLocalService } from '../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../local/credentials';
import { renderAction } from '../../local/stepfunctions/rendered-workflows';
import { LocalStepFunctions } from '../../local/stepfunctions/service';
import { loadTaskRunner, type TaskRunner } from '../../local/stepfunctions/tasks';
import { DELIVER_WEBHOOK_STATES, DELIVERY_MAX_ATTEMPTS, deliverWebhookWorkflow } from '../../workflows/deliver-webhook';
import { sampleEvent, startReceiver, startWebhookTables, type Answer, type Receiver, type WebhookTables } from '../fixtures/webhooks';

// The delivery state machine as the local engine runs it (the same ASL the cloud gets), over the
// real fan-out and deliver tasks, dynalite and HTTP receivers on 127.0.0.1. Every retry wait is
// cut to a few ms (`waitOverrideMs`), so the 24 h schedule runs in well under a second.

const SECRET_PREFIX = 'whsec_';
let dir: string;
let tables: WebhookTables;
let engine: LocalStepFunctions;
let sfn: SFNClient;
let runTask: TaskRunner;
const receivers: Receiver[] = [];
const stalling = new Set<string>();

/** What a Task state past its `TimeoutSeconds` fails with (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html, "States.Timeout"). */
function taskTimedOut(): Error {
  const err = new Error('Task timed out');
  err.name = 'States.Timeout';
  return err;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-deliver-webhook-'));
  tables = await startWebhookTables({ WEBHOOK_LOOPBACK_HTTP: 'true' });
  const services = (): Services => ({ ...tables, config, sfn, now: () => new Date() }) as unknown as Services;
  runTask = await loadTaskRunner(['deliver-webhook', 'mark-delivery-exhausted', 'fan-out-webhooks'], services);
  // A try of a webhook in `stalling` never ends: it fails as the Task's own TimeoutSeconds fails it.
  const engineTask: TaskRunner = (task, input) =>
    task === 'deliver-webhook' && stalling.has((input as { webhook_id: string }).webhook_id) ? Promise.reject(taskTimedOut()) : runTask(task, input);
  engine = new LocalStepFunctions({ workflows: [renderAction(deliverWebhookWorkflow)], runTask: engineTask, dir, waitOverrideMs: 5 });
  sfn = bindLocalService(new SFNClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), engine.service);
  const config = loadConfig({
    WEBHOOKS_TABLE_NAME: tables.config.WEBHOOKS_TABLE_NAME,
    WEBHOOK_DELIVERIES_TABLE_NAME: tables.config.WEBHOOK_DELIVERIES_TABLE_NAME,
    WEBHOOK_LOOPBACK_HTTP: 'true',
    STATE_MACHINE_ARNS: JSON.stringify(engine.stateMachineArns),
  });
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await engine.close();
  await tables.dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
async function register(answer: Answer, events: Webhook['events']): Promise<{ webhook: Webhook; receiver: Receiver }> {
  const receiver = await startReceiver(answer);
  receivers.push(receiver);
  const webhook: Webhook = {
    webhook_id: (0xa000 + ++counter).toString(16).padStart(32, '0'),
    url: receiver.url,
    events,
    description: '',
    created_at: new Date().toISOString(),
    secret: `${SECRET_PREFIX}${'s'.repeat(40)}${counter}`,
  };
  await putWebhook(tables, webhook);
  return { webhook, receiver };
}

/** The event as an EventBridge rule hands it over. */
const busEvent = (detail: StreamEvent) => ({ version: '0', id: 'x', 'detail-type': detail.kind, source: EVENT_SOURCE, detail });

async function executionsOf(webhook: Webhook) {
  const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: engine.stateMachineArns[DELIVERY_WORKFLOW] }));
  const mine = (executions ?? []).filter((e) => e.name!.startsWith(webhook.webhook_id));
  for (const e of mine) await engine.whenFinished(e.executionArn!);
  return Promise.all(mine.map((e) => sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))));
}

describe('the delivery workflow (local engine)', () => {
  it('retries a failing receiver until it takes the delivery, once per event and webhook', async () => {
    // Prepare: one receiver fails twice then answers 200; another wants only stream.idle
    const failing = await register((n) => (n < 2 ? 500 : 200), ['stream.running']);
    const other = await register(() => 200, ['stream.idle']);
    const event = sampleEvent({ id: 'evt-retry-1' });
    // Act: the fan-out, twice (EventBridge delivers at least once)
    const first = await runTask('fan-out-webhooks', busEvent(event));
    const [execution] = await executionsOf(failing.webhook);
    const repeat = await runTask('fan-out-webhooks', busEvent(event));
    // Assess
    expect(first).toEqual({ deliveries: 1 });
    expect(repeat).toEqual({ deliveries: 1 });
    expect(await executionsOf(failing.webhook)).toHaveLength(1);
    expect(execution.status).toBe('SUCCEEDED');
    expect(failing.receiver.received).toHaveLength(3);
    expect(new Set(failing.receiver.received.map((r) => r.headers[WEBHOOK_HEADERS.eventId]))).toEqual(new Set([event.id]));
    expect(other.receiver.received).toEqual([]);
    const [delivery] = await listDeliveries(tables, failing.webhook.webhook_id);
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a) => [a.attempt, a.status, a.http_status])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 200],
    ]);
    // The secret is in no execution input, output or history event.
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }));
    expect(JSON.stringify([execution, events])).not.toContain(SECRET_PREFIX);
  });

  it('fails the execution once every try allowed has failed, and marks the delivery exhausted', async () => {
    // Prepare
    const broken = await register(() => 502, ['stream.running']);
    // Act
    await runTask('fan-out-webhooks', busEvent(sampleEvent({ id: 'evt-exhaust-1' })));
    const [execution] = await executionsOf(broken.webhook);
    // Assess
    expect({ status: execution.status, error: execution.error }).toEqual({ status: 'FAILED', error: 'WebhookDeliveryFailed' });
    expect(broken.receiver.received).toHaveLength(DELIVERY_MAX_ATTEMPTS);
    const [delivery] = await listDeliveries(tables, broken.webhook.webhook_id);
    expect(delivery.status).toBe('exhausted');
    expect(delivery.attempts).toHaveLength(DELIVERY_MAX_ATTEMPTS);
  });

  it('marks a delivery whose every try timed out exhausted, with a try that says so, and fails the execution', async () => {
    // Prepare: a receiver whose every try outlives the Task's timeout (no try records itself)
    const stalled = await register(() => 200, ['stream.running']);
    stalling.add(stalled.webhook.webhook_id);
    // Act
    await runTask('fan-out-webhooks', busEvent(sampleEvent({ id: 'evt-timeout-1' })));
    const [execution] = await executionsOf(stalled.webhook);
    // Assess: not left `pending` for ever
    expect({ status: execution.status, error: execution.error }).toEqual({ status: 'FAILED', error: 'WebhookDeliveryFailed' });
    const [delivery] = await listDeliveries(tables, stalled.webhook.webhook_id);
    expect(delivery).toMatchObject({ status: 'exhausted', event_id: 'evt-timeout-1' });
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', http_status: null, error: 'the try did not end: States.Timeout' })]);
  });
});

describe('the delivery retry policy (ASL)', () => {
  it('retries WebhookDeliveryFailed with capped, jittered exponential backoff for about 24 h', () => {
    // Prepare
    const { asl } = renderAction(deliverWebhookWorkflow);
    const state = asl.States[DELIVER_WEBHOOK_STATES.deliver] as unknown as {
      TimeoutSeconds: number;
      Retry: { ErrorEquals: string[]; IntervalSeconds: number; BackoffRate: number; MaxDelaySeconds: number; MaxAttempts: number; JitterStrategy: string }[];
    };
    const retry = state.Retry.find((r) => r.ErrorEquals.includes('WebhookDeliveryFailed'))!;
    // Act: the mean of the waits, FULL jitter drawing each uniformly in [0, its computed interval]
    // (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
    let meanSeconds = 0;
    for (let n = 0; n < retry.MaxAttempts; n++) meanSeconds += Math.min(retry.IntervalSeconds * retry.BackoffRate ** n, retry.MaxDelaySeconds) / 2;
    // Assess
    expect(retry).toMatchObject({ JitterStrategy: 'FULL', MaxDelaySeconds: 3600 });
    expect(retry.ErrorEquals).toEqual(expect.arrayContaining(['States.Timeout', 'Lambda.Unknown']));
    expect(meanSeconds / 3600).toBeGreaterThan(23.5);
    expect(meanSeconds / 3600).toBeLessThan(24.5);
    // Above the task Lambdas' own timeout (at most 55 s, infra/config.ts), so the Lambda gives up first.
    expect(state.TimeoutSeconds).toBeGreaterThan(55);
    expect(retry.MaxAttempts + 1).toBe(DELIVERY_MAX_ATTEMPTS);
  });
});
