import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { EVENT_TASKS, GUARD_ARMING_TASKS } from '../../infra/stack';
import { INPUT_LOSS_ALERTS } from '../../core/domain/guards';
import { WORKFLOWS, allTasks } from '../../workflows/registry';
import { DELIVERY_WORKFLOW } from '../../core/domain/webhook-workflow';
import { z } from 'zod';
import { GetAtt, Ref, allStatements, asArray, resourcesOf, rolesOf, statementsOfRole, synthStack, variablesOf, type Resource } from './synth';

// One synth for the whole file: every assertion reads the same default-context template.
const { app, stack, template, nag } = synthStack();
const resources = resourcesOf(template);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
/** A state machine's `LoggingConfiguration`, as far as the log group it names. */
const LoggingConfiguration = z.object({
  Destinations: z.array(z.object({ CloudWatchLogsLogGroup: z.object({ LogGroupArn: GetAtt }) })).min(1),
});

describe('storage', () => {
  it('keeps the stream table keyed by id with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('keeps point-in-time recovery on every table', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const [id, table] of tables) {
      expectWithMessage(table.Properties?.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('expires idempotency records by their TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('names the media buckets with the seed defaults', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'fem-livestream-archive' });
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'fem-workshops-out' });
  });

  it("lets the console's origins (context consoleOrigins) read the media buckets cross-origin, GET and HEAD only", () => {
    for (const name of ['fem-livestream-archive', 'fem-workshops-out']) {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: name,
        CorsConfiguration: {
          CorsRules: [{ AllowedOrigins: ['http://127.0.0.1:3100', 'http://localhost:3100'], AllowedMethods: ['GET', 'HEAD'], MaxAge: 3600 }],
        },
      });
    }
  });

  it('makes every bucket private and encrypted', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(3);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties?.BucketEncryption).toBeDefined();
    }
  });

  it('refuses every request to every bucket that is not over TLS', () => {
    for (const [id] of ofType('AWS::S3::Bucket')) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('functions', () => {
  it('deploys one Lambda per task of the registry and per event task, plus the API handler', () => {
    const tasks = [...allTasks(), ...EVENT_TASKS].sort();
    expect(Object.keys(stack.tasks.functions).sort()).toEqual(tasks);
    expect(ofType('AWS::Lambda::Function')).toHaveLength(tasks.length + 1);
  });

  it('runs every Lambda on nodejs22.x, ARM64', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties?.Runtime).toBe('nodejs22.x');
      expect(fn.Properties?.Architectures).toEqual(['arm64']);
    }
  });

  it('hands every task the configuration core/lambda/config.ts reads', () => {
    for (const fn of Object.values(stack.tasks.functions)) {
      const variables = variablesOf(resources[logicalId(fn)]);
      expect(Object.keys(variables)).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'ARCHIVE_BUCKET',
          'WORKSHOP_OUTPUT_BUCKET',
          'INPUT_SECURITY_GROUP_ID',
          'MEDIALIVE_ROLE_ARN',
          'LIVE_BASE_URL',
          'LIVE_KVS_ARN',
          'SCHEDULE_GROUP_NAME',
        ]),
      );
      // No SPEKE server in the default context: streams are served clear.
      expect(variables).not.toHaveProperty('SPEKE_URL');
    }
  });
});

describe('workflows', () => {
  it('deploys one state machine per registered workflow, logging ALL with X-Ray', () => {
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(WORKFLOWS.length);
    for (const [, machine] of ofType('AWS::StepFunctions::StateMachine')) {
      expect(machine.Properties?.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      expect(machine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
    }
  });

  // "CloudWatch Logs resource policies are limited to 5120 characters … prefix your CloudWatch Logs
  // log group names with /aws/vendedlogs/" (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html).
  it('logs every state machine to its own group under /aws/vendedlogs/states/', () => {
    const names = ofType('AWS::StepFunctions::StateMachine').map(([, machine]) => {
      const [group] = LoggingConfiguration.parse(machine.Properties!.LoggingConfiguration).Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
      return z.string().parse(resources[group].Properties!.LogGroupName);
    });
    expect(names).toHaveLength(WORKFLOWS.length);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^\/aws\/vendedlogs\/states\/[\w-]+$/);
  });

  it("lets each state machine invoke exactly its workflow's task functions", () => {
    for (const definition of WORKFLOWS) {
      const machine = stack.workflows.stateMachines[definition.action];
      const role = logicalId(machine.role);
      const invocable = statementsOfRole(template, role)
        .filter((statement) => asArray(statement.Action).includes('lambda:InvokeFunction'))
        .flatMap((statement) => asArray(statement.Resource))
        .map((arn) => GetAtt.safeParse(arn).data?.['Fn::GetAtt'][0])
        .filter(Boolean);
      const expected = definition.tasks.map((task) => logicalId(stack.tasks.functions[task]));
      expect([...new Set(invocable)].sort()).toEqual([...new Set(expected)].sort());
    }
  });
});

describe('api', () => {
  it('requires IAM (SigV4) authorization on every method', () => {
    const methods = ofType('AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(0);
    for (const [, method] of methods) expect(method.Properties?.AuthorizationType).toBe('AWS_IAM');
  });

  it("leaves the account's API Gateway CloudWatch Logs role alone by default (context apiGatewayCloudWatchRole)", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const apiGatewayRoles = ofType('AWS::IAM::Role').filter(([, role]) =>
      JSON.stringify(role.Properties?.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'),
    );
    expect(apiGatewayRoles).toEqual([]);
  });

  it('proxies every path to the one handler', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      Integration: { Type: 'AWS_PROXY', Uri: Match.anyValue() },
    });
  });

  it('tells the handler every state machine by action, and its tables', () => {
    const variables = variablesOf(resources[logicalId(stack.api.handler)]);
    expect(variables).toMatchObject({ API_WAIT_SECONDS: '20', IDEMPOTENCY_TABLE_NAME: { Ref: logicalId(stack.storage.idempotencyTable) } });
    const arns = JSON.stringify(variables.STATE_MACHINE_ARNS);
    // The webhook deliveries' machine is started by the fan-out only (infra/webhooks.ts), not the API.
    for (const definition of WORKFLOWS.filter((w) => w.action !== DELIVERY_WORKFLOW)) {
      expect(arns).toContain(`\\"${definition.action}\\":\\"`);
      expect(arns).toContain(logicalId(stack.workflows.stateMachines[definition.action]));
    }
    expect(arns).not.toContain(logicalId(stack.workflows.stateMachines[DELIVERY_WORKFLOW]));
  });

  it('lets the handler start and read executions of the state machines', () => {
    const handlerRole = logicalId(stack.api.handler.role!);
    const actions = statementsOfRole(template, handlerRole).flatMap((statement) => asArray(statement.Action));
    expect(actions).toEqual(
      expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 'states:GetExecutionHistory']),
    );
  });
});

describe('connector', () => {
  it('reports every stopped connector task to connector-exited', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [{ 'Fn::GetAtt': [logicalId(stack.connector.cluster), 'Arn'] }], lastStatus: ['STOPPED'] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack.tasks.functions['connector-exited']), 'Arn'] },
          InputPath: '$.detail',
        }),
      ],
    });
  });

  it('lets run-connector start only the connector task definition, on the connector cluster', () => {
    const role = logicalId(stack.tasks.functions['run-connector'].role!);
    const runTask = statementsOfRole(template, role).filter((statement) => asArray(statement.Action).includes('ecs:RunTask'));
    expect(runTask).toHaveLength(1);
    expect(JSON.stringify(runTask[0].Resource)).toContain(`task-definition/${stack.connector.taskDefinition.family}:*`);
    expect(runTask[0].Condition).toEqual({
      ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [logicalId(stack.connector.cluster), 'Arn'] } },
    });
  });
});

describe('media', () => {
  it('lets no encoder push RTMP by default: only the connector\'s NAT address, never 0.0.0.0/0', () => {
    const groups = ofType('AWS::MediaLive::InputSecurityGroup');
    expect(groups).toHaveLength(1);
    expect(groups[0][1].Properties?.WhitelistRules).toEqual([
      { Cidr: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ConnectorNatAddress/), 'PublicIp'] }, '/32']] } },
    ]);
    expect(JSON.stringify(groups)).not.toContain('0.0.0.0/0');
  });

  it('lets MediaLive channels deliver to MediaPackage and write the archive', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'medialive.amazonaws.com' } })],
      },
    });
    const role = logicalId(stack.media.mediaLiveRole);
    const actions = statementsOfRole(template, role).flatMap((statement) => asArray(statement.Action));
    expect(actions.sort()).toEqual(['mediapackage:DescribeChannel', 's3:ListBucket', 's3:PutObject']);
  });

  it('routes /live/* through the KeyValueStore-backed CloudFront Function', () => {
    const kvs = ofType('AWS::CloudFront::KeyValueStore');
    expect(kvs).toHaveLength(1);
    // Routes are run-time data: no import source, so a deploy never rewrites them.
    expect(kvs[0][1].Properties).not.toHaveProperty('ImportSource');
    const [[functionId]] = ofType('AWS::CloudFront::Function') as [[string, Resource]];
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({
        Runtime: 'cloudfront-js-2.0',
        KeyValueStoreAssociations: [{ KeyValueStoreARN: { 'Fn::GetAtt': [kvs[0][0], 'Arn'] } }],
      }),
    });
    const association = [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }];
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({ PathPattern: '/live/*', FunctionAssociations: association, ViewerProtocolPolicy: 'redirect-to-https' })],
        DefaultCacheBehavior: Match.objectLike({ FunctionAssociations: association }),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
  });
});

describe('least privilege', () => {
  it('allows no wildcard action anywhere (no service:* and no *)', () => {
    const wildcards = allStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ resource, statement }) => asArray<string>(statement.Action).map((action) => ({ resource, action })))
      .filter(({ action }) => action.includes('*'));
    expect(wildcards).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  // Warnings too: an unacknowledged warning also fails `cdk synth` (Validations treats any finding as a failure).
  it('reports no unacknowledged finding, error or warning', () => {
    const findings = nag.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges every finding with a specific reason', () => {
    const acknowledgments = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>));
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const [id, ack] of acknowledgments) {
      const reason = typeof ack === 'string' ? ack : ack.reason;
      expectWithMessage(reason, id).toMatch(/\w+ \w+ \w+ \w+/);
    }
  });
});

describe('cost guards', () => {
  const roleOf = (task: string) => logicalId(stack.tasks.functions[task].role!);
  const scheduleActions = (task: string) =>
    statementsOfRole(template, roleOf(task)).flatMap((st) => asArray(st.Action).filter((a) => a.startsWith('scheduler:')).map((a) => ({ a, r: st.Resource })));
  const groupScoped = (resource: unknown) => {
    const [[groupId]] = ofType('AWS::Scheduler::ScheduleGroup');
    return JSON.stringify(resource).includes(`{"Ref":"${groupId}"},"/*"`);
  };

  it('names the stop state machine to the tasks that arm guards (their schedules start it)', () => {
    const stopId = logicalId(stack.workflows.stateMachines.stop);
    for (const task of GUARD_ARMING_TASKS) {
      const fn = resources[logicalId(stack.tasks.functions[task])];
      expect(JSON.stringify(variablesOf(fn).STATE_MACHINE_ARNS)).toContain(stopId);
    }
  });

  it("lets arm-guards create, cancel-guards delete, and channel-alert do both, only on the group's schedules", () => {
    expect(scheduleActions('arm-guards').map(({ a }) => a)).toEqual(['scheduler:CreateSchedule']);
    expect(scheduleActions('cancel-guards').map(({ a }) => a)).toEqual(['scheduler:DeleteSchedule']);
    expect(scheduleActions('channel-alert').map(({ a }) => a).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    for (const task of ['arm-guards', 'cancel-guards', 'channel-alert']) {
      for (const { r } of scheduleActions(task)) expect(groupScoped(r)).toBe(true);
    }
    // A schedule is made with the Scheduler role: the arming tasks may pass it, and nothing else.
    const schedulerRoleId = logicalId(stack.scheduling.role);
    for (const task of ['arm-guards', 'channel-alert']) {
      const passes = statementsOfRole(template, roleOf(task)).filter((st) => asArray(st.Action).includes('iam:PassRole'));
      expect(passes.flatMap((st) => asArray(st.Resource)).map((r) => JSON.stringify(r))).toEqual([JSON.stringify({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] })]);
    }
  });

  it("routes MediaLive's input-loss alerts to channel-alert (the rule takes every channel alert)", () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties as { EventPattern?: { 'detail-type'?: string[]; detail?: { alert_type?: string[] } } });
    const alertRules = rules.filter((r) => r.EventPattern?.['detail-type']?.includes('MediaLive Channel Alert'));
    expect(alertRules).toHaveLength(1);
    const filter = alertRules[0].EventPattern?.detail?.alert_type;
    for (const alert of INPUT_LOSS_ALERTS) expect(filter === undefined || filter.includes(alert)).toBe(true);
  });
});

describe('scheduling', () => {
  const roleId = logicalId(stack.scheduling.role);

  it('has a schedule group of the deployment', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
  });

  it('lets EventBridge Scheduler of this account start only the start and stop state machines', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      },
    });
    const machineIds = ['start', 'stop'].map((action) => logicalId(stack.workflows.stateMachines[action]));
    const starts = allStatements(template).filter(({ statement }) => asArray(statement.Action).includes('states:StartExecution'));
    const ofRole = starts.filter(({ resource }) => rolesOf(resources[resource]).includes(roleId));
    const targets = ofRole.flatMap(({ statement }) => asArray(statement.Resource)).map((r) => Ref.parse(r).Ref);
    expect(targets.sort()).toEqual(machineIds.sort());
  });

  it('keeps undeliverable firings in an encrypted, TLS-only dead-letter queue the role may send to', () => {
    const queueId = logicalId(stack.scheduling.deadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    const sends = allStatements(template).filter(({ statement }) => asArray(statement.Action).includes('sqs:SendMessage'));
    expect(sends.some(({ resource }) => rolesOf(resources[resource]).includes(roleId))).toBe(true);
  });

  it('hands the dead-letter queue to schedule-undelivered alone, with partial batch responses and a visibility timeout Lambda accepts', () => {
    const queueArn = { 'Fn::GetAtt': [logicalId(stack.scheduling.deadLetterQueue), 'Arn'] };
    const reader = stack.tasks.functions['schedule-undelivered'];
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify(queueArn));
    expect(mappings.map(([, m]) => m.Properties)).toEqual([
      expect.objectContaining({ FunctionName: { Ref: logicalId(reader) }, FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10 }),
    ]);
    // "at least six times the configuration timeout on your function" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html)
    const timeout = resources[logicalId(reader)].Properties?.Timeout as number;
    const visibility = resources[logicalId(stack.scheduling.deadLetterQueue)].Properties?.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('lets only the schedule-undelivered role read the dead-letter queue: ReceiveMessage, DeleteMessage, GetQueueAttributes on it, nothing else', () => {
    const queueArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.scheduling.deadLetterQueue), 'Arn'] });
    const readerRole = logicalId(stack.tasks.functions['schedule-undelivered'].role!);
    const reads = allStatements(template).filter(({ statement }) =>
      asArray(statement.Action).some((a) => a === 'sqs:ReceiveMessage' || a === 'sqs:DeleteMessage'),
    );
    expect(reads.flatMap(({ resource }) => rolesOf(resources[resource]))).toEqual([readerRole]);
    const ofReader = statementsOfRole(template, readerRole).filter(({ Action }) => asArray(Action).some((a) => a.startsWith('sqs:')));
    expect(ofReader.flatMap(({ Action }) => asArray(Action)).sort()).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    expect(ofReader.flatMap(({ Resource }) => asArray(Resource)).map((r) => JSON.stringify(r))).toEqual([queueArn]);
  });

  it('tells every function that reads the stream table (the API, the tasks) where the group, role and queue are', () => {
    const readers = ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties?.Environment?.Variables?.TABLE_NAME);
    expect(readers.length).toBeGreaterThan(1);
    for (const [, fn] of readers) {
      expect(Object.keys(variablesOf(fn))).toEqual(
        expect.arrayContaining(['SCHEDULE_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_DLQ_ARN']),
      );
    }
  });
});
