import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from '@jest/globals';
import { createApi, type Api } from '../../../api/handler';
import { loadConfig } from '../../../core/lambda/config';
import { ACTIONS } from '../../../core/domain/actions';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem, type StreamItem } from '../../../core/domain/record';
import { documentClient } from '../../../core/aws/clients/dynamodb';
import { StreamStore } from '../../../core/aws/store';
import { IDEMPOTENCY_TABLE, SPLIT_PROGRESS_TABLE, STREAM_TABLE } from '../../../core/aws/tables';
import { ErrorBodySchema } from '../../../api/schemas';
import { ensureTable, startDynalite, type LocalDynamo } from '../../../local/dynamodb';
import { errorOf, type Reply } from '../../fixtures/api-reply';

export const machineArn = (action: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:fm-${action}`;
export const executionArn = (action: string, name: string) => `arn:aws:states:us-east-1:000000000000:execution:fm-${action}:${name}`;
export const NOW = new Date('2026-03-01T12:00:00Z');

export interface Response extends Reply {
  headers: Record<string, string | number | boolean>;
}

/**
 * The API over a real StreamStore on dynalite and a mocked Step Functions client: StartExecution
 * answers the ARN Step Functions would give, DescribeExecution SUCCEEDED unless a test says otherwise.
 */
export class ApiHarness {
  dynamo!: LocalDynamo;
  store!: StreamStore;
  sfn = new SFNClient({ region: 'us-east-1' });
  sfnMock: AwsClientStub<SFNClient> = mockClient(this.sfn);
  scheduler = new SchedulerClient({ region: 'us-east-1' });
  schedulerMock: AwsClientStub<SchedulerClient> = mockClient(this.scheduler);
  /** Presigns split downloads only: signing is local, it sends nothing. */
  s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' } });
  api!: Api;

  async start(env: Record<string, string> = {}): Promise<void> {
    this.dynamo = await startDynalite();
    await ensureTable(this.dynamo.client, 'streams', STREAM_TABLE.partitionKey);
    await ensureTable(this.dynamo.client, 'idempotency', IDEMPOTENCY_TABLE.partitionKey);
    await ensureTable(this.dynamo.client, 'split-progress', SPLIT_PROGRESS_TABLE.partitionKey);
    const dynamodb = documentClient(this.dynamo.client);
    // The store's clock ticks a second per write, so `last_update` orders writes.
    let tick = 0;
    this.store = new StreamStore(dynamodb, 'streams', () => new Date(NOW.getTime() + 1000 * tick++));
    const config = loadConfig({
      TABLE_NAME: 'streams',
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      SPLIT_PROGRESS_TABLE_NAME: 'split-progress',
      STATE_MACHINE_ARNS: JSON.stringify(Object.fromEntries(ACTIONS.map((a) => [a, machineArn(a)]))),
      API_WAIT_SECONDS: '0',
      SCHEDULE_GROUP_NAME: 'fm-schedules',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
      ...env,
    });
    this.api = createApi({ config, store: this.store, sfn: this.sfn, scheduler: this.scheduler, s3: this.s3, dynamodb, now: () => NOW });
  }

  async stop(): Promise<void> {
    await this.dynamo.close();
  }

  /** Default Step Functions behaviour; call in beforeEach. */
  resetSfn(): void {
    this.sfnMock.reset();
    this.sfnMock.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => ({
      executionArn: executionArn(input.stateMachineArn!.split(':fm-')[1], input.name!),
      startDate: NOW,
    }));
    this.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    this.schedulerMock.reset();
    this.schedulerMock.on(CreateScheduleCommand).resolves({});
    this.schedulerMock.on(DeleteScheduleCommand).resolves({});
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const raw = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await this.api.handle({
      httpMethod: method,
      path,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: raw,
      isBase64Encoded: false,
      requestContext: { requestId: 'req-1' },
    });
    const parsed: unknown = res.body ? JSON.parse(res.body) : undefined;
    return { status: res.statusCode, body: parsed, headers: res.headers ?? {} };
  }

  /** A stream in the store, in `state` (default idle), with a stream key in its RTMP URLs. */
  async seed(overrides: Partial<StreamItem> = {}): Promise<StreamItem> {
    const item = newStreamItem({ id: newHexId(), name: 'workshop', now: '1700000000' });
    return this.store.create({
      ...item,
      state: 'idle',
      rtmp1: 'rtmp://10.0.0.1:1935/live/KEY1',
      rtmp2: 'rtmp://10.0.0.2:1935/live/KEY2',
      live_channel_id: 'ch-1',
      live_input_id: 'in-1',
      package_channel_id: 'pc-1',
      package_endpoint_id: 'pe-1',
      viewer_endpoint: 'https://example.com/out/v1/pe-1/index.m3u8',
      ...overrides,
    });
  }

  startCalls(): StartExecutionCommandInput[] {
    return this.sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
  }

  /** A 4xx changes nothing: the stored item is as it was and no execution was started. */
  async expectUnchanged(before: StreamItem): Promise<void> {
    expect(await this.store.get(before.id)).toEqual(before);
    expect(this.startCalls()).toEqual([]);
  }

  expectError(res: Response, status: number, code: string, message?: RegExp): void {
    expect({ status: res.status, code: ErrorBodySchema.safeParse(res.body).data?.error.code }).toEqual({ status, code });
    if (message) expect(errorOf(res).message).toMatch(message);
  }
}
