import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunctionConstruct } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import type { Config } from '../core/lambda/config';
import { SCHEDULE_ACTIONS } from '../core/domain/schedule';
import { WORKFLOWS, allTasks } from '../workflows/registry';
import { Alarms } from './alarms';
import { Api } from './api';
import { CHANNEL_WATCH_TASKS, ChannelWatch } from './channel-watch';
import { readInfraConfig } from './config';
import { Connector } from './connector';
import { Media } from './media';
import { acknowledgeWildcards } from './nag';
import { Scheduling } from './scheduling';
import { SplitProgress } from './split-progress';
import { SCHEDULES_WILDCARD, schedulesOfGroup } from './task-permissions';
import { Storage } from './storage';
import { StreamEvents } from './stream-events';
import { TaskFunctions } from './tasks';
import { Workflows } from './workflows';
import { Webhooks } from './webhooks';
import { DELIVERY_WORKFLOW } from '../core/domain/webhook-workflow';

/** Tasks started by an event rather than by a workflow (`allTasks()` lists the workflows' tasks). */
export const EVENT_TASKS = ['connector-exited', 'channel-alert', 'schedule-undelivered', 'publish-events', 'fan-out-webhooks', ...CHANNEL_WATCH_TASKS] as const;

/** The tasks that arm cost guards, whose schedules start the stop state machine (core/aws/guards.ts). */
export const GUARD_ARMING_TASKS = ['arm-guards', 'channel-alert'] as const;

/** Environment variables of the Lambdas, named as `core/lambda/config.ts` reads them. */
export type LambdaEnvironment = Partial<Record<keyof Config, string>>;

/**
 * The whole control plane in one environment-agnostic stack (it synthesizes offline, with no
 * credentials): storage, the media plane's fixed parts, one Lambda per task, one state machine
 * per registered workflow, and the API in front of them.
 */
export class LiveStreamStack extends Stack {
  public readonly storage: Storage;
  public readonly scheduling: Scheduling;
  public readonly splitProgress: SplitProgress;
  public readonly streamEvents: StreamEvents;
  public readonly connector: Connector;
  public readonly media: Media;
  public readonly tasks: TaskFunctions;
  public readonly workflows: Workflows;
  public readonly api: Api;
  public readonly webhooks: Webhooks;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const config = readInfraConfig(this.node);

    this.storage = new Storage(this, 'Storage', { config });
    this.webhooks = new Webhooks(this, 'Webhooks');
    this.media = new Media(this, 'Media', {
      config,
      archiveBucket: this.storage.archiveBucket,
      workshopOutputBucket: this.storage.workshopOutputBucket,
      accessLogsBucket: this.storage.accessLogsBucket,
    });

    // Made before the tasks, whose environment names its group and role; the state machines it
    // may start are granted below, once they exist.
    this.scheduling = new Scheduling(this, 'Scheduling', { targets: [], readerTimeout: Duration.seconds(config.taskTimeoutSeconds) });

    this.splitProgress = new SplitProgress(this, 'SplitProgress');

    this.connector = new Connector(this, 'Connector', { streamTable: this.storage.streamTable });
    // The connector pushes to MediaLive like any encoder: from an address the input group allows.
    this.media.allowPushesFrom(this.connector.egressCidr);

    const environment: LambdaEnvironment = {
      TABLE_NAME: this.storage.streamTable.tableName,
      SPLIT_PROGRESS_TABLE_NAME: this.splitProgress.table.tableName,
      ARCHIVE_BUCKET: this.storage.archiveBucket.bucketName,
      WORKSHOP_OUTPUT_BUCKET: this.storage.workshopOutputBucket.bucketName,
      INPUT_SECURITY_GROUP_ID: this.media.inputSecurityGroup.ref,
      MEDIALIVE_ROLE_ARN: this.media.mediaLiveRole.roleArn,
      LIVE_BASE_URL: this.media.liveBaseUrl,
      LIVE_KVS_ARN: this.media.liveRoutes.keyValueStoreArn,
      ...this.scheduling.environment,
      ...this.connector.environment,
      ...this.webhooks.environment,
      ...(config.spekeUrl && config.spekeRoleArn ? { SPEKE_URL: config.spekeUrl, SPEKE_ROLE_ARN: config.spekeRoleArn } : {}),
    };
    const env = definedOnly(environment);

    this.tasks = new TaskFunctions(this, 'Tasks', {
      tasks: [...allTasks(), ...EVENT_TASKS],
      environment: env,
      timeout: Duration.seconds(config.taskTimeoutSeconds),
      resources: {
        stack: this,
        streamTable: this.storage.streamTable,
        splitProgressTable: this.splitProgress.table,
        archiveBucket: this.storage.archiveBucket,
        workshopOutputBucket: this.storage.workshopOutputBucket,
        mediaLiveRole: this.media.mediaLiveRole,
        spekeRole: config.spekeRoleArn ? Role.fromRoleArn(this, 'SpekeRole', config.spekeRoleArn, { mutable: false }) : undefined,
        liveKvsArn: this.media.liveRoutes.keyValueStoreArn,
        scheduling: this.scheduling,
        connector: this.connector,
        webhooks: this.webhooks,
      },
    });
    this.connector.reportStoppedTasksTo(this.tasks.functions['connector-exited']);
    this.scheduling.readUndeliveredWith(this.tasks.functions['schedule-undelivered']);
    new Rule(this, 'ChannelAlert', {
      description: 'A MediaLive channel alert (e.g. the archive cannot be written): onto its stream (tasks/channel-alert.ts)',
      eventPattern: { source: ['aws.medialive'], detailType: ['MediaLive Channel Alert'] },
      targets: [new LambdaFunction(this.tasks.functions['channel-alert'], { event: RuleTargetInput.fromEventPath('$.detail'), retryAttempts: 8 })],
    });
    this.streamEvents = new StreamEvents(this, 'StreamEvents', { tables: [this.storage.streamTable, this.splitProgress.table], publisher: this.tasks.functions['publish-events'] });
    new ChannelWatch(this, 'ChannelWatch', { functions: this.tasks.functions });
    this.workflows = new Workflows(this, 'Workflows', {
      definitions: WORKFLOWS,
      functions: this.tasks.functions,
      resources: { mediaConvertRoleArn: this.media.mediaConvertRole.roleArn },
    });
    // Timed start and stop (`core/domain/schedule.ts`): EventBridge Scheduler starts these machines directly, nothing else.
    for (const action of SCHEDULE_ACTIONS) this.workflows.stateMachines[action]?.grantStartExecution(this.scheduling.role);
    // Deliveries are started by the fan-out only; the API starts (and reads) the actions' machines.
    const { [DELIVERY_WORKFLOW]: deliveries, ...actionMachines } = this.workflows.stateMachines;
    this.webhooks.fanOutWith(this.tasks.functions['fan-out-webhooks'] as LambdaFunctionConstruct, deliveries);
    // The cost guards' schedules start the stop machine (the Scheduler role may, above): the arming tasks name it.
    const stopMachine = this.workflows.stateMachines.stop;
    for (const task of GUARD_ARMING_TASKS) {
      (this.tasks.functions[task] as NodejsFunction).addEnvironment('STATE_MACHINE_ARNS', this.toJsonString({ stop: stopMachine?.stateMachineArn }));
    }
    this.api = new Api(this, 'Api', {
      environment: env,
      streamTable: this.storage.streamTable,
      idempotencyTable: this.storage.idempotencyTable,
      archiveBucket: this.storage.archiveBucket,
      stateMachines: actionMachines,
      waitSeconds: config.apiWaitSeconds,
      setAccountCloudWatchRole: config.apiGatewayCloudWatchRole,
    });
    this.scheduling.grantManageSchedules(this.api.handler);
    this.webhooks.grantApi(this.api.handler);
    this.splitProgress.grantApi(this.api.handler, this.storage.workshopOutputBucket);
    acknowledgeWildcards(this.api.handler.role!, SCHEDULES_WILDCARD, [schedulesOfGroup(this, this.scheduling.groupName)]);

    new Alarms(this, 'Alarms', { stateMachines: this.workflows.stateMachines, workflows: WORKFLOWS, scheduleDeadLetters: this.scheduling.deadLetterQueue, unpublishedEvents: this.streamEvents.failedRecords, topicArn: config.alarmTopicArn });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url, description: 'Base URL of the API (SigV4, service execute-api)' });
    new CfnOutput(this, 'LiveBaseUrl', { value: this.media.liveBaseUrl, description: 'Base of every live_endpoint' });
    new CfnOutput(this, 'LiveDistributionDomain', {
      value: this.media.liveDistribution.distributionDomainName,
      description: 'Point the live domain (CNAME/alias) here when liveDomainName is set',
    });
    new CfnOutput(this, 'ArchiveBucket', { value: this.storage.archiveBucket.bucketName });
    new CfnOutput(this, 'WorkshopOutputBucket', { value: this.storage.workshopOutputBucket.bucketName });
  }
}

function definedOnly(environment: LambdaEnvironment): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined));
}
