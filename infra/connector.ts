import { Arn, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnEIP, FlowLogDestination, FlowLogTrafficType, NatProvider, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { readInfraConfig } from './config';
import { repoPath } from './lambda';
import { acknowledge, acknowledgeWildcards } from './nag';

/** The container's name in the task definition; `core/lambda/config.ts` defaults CONNECTOR_CONTAINER_NAME to it. */
const CONTAINER_NAME = 'connector';
/** What `connector/fetch-target.sh` reads of its stream's record (with the key `id`): the task role may read no other attribute. */
const TARGET_ATTRIBUTES = ['id', 'connector', 'connector_execution', 'rtmp1', 'rtmp_ivs'];

export interface ConnectorProps {
  /** The streams table: a task reads its own target (URL with key) from its stream's record at start. */
  readonly streamTable: ITable;
}

/**
 * The Chime connector's place to run: a Fargate task definition built from `connector/` (Chromium
 * on Xvfb + ffmpeg, linux/amd64), a cluster in a VPC, and the watch on its tasks: every connector
 * task that stops is reported to the `connector-exited` task. Tasks are started per stream at run
 * time by `tasks/run-connector.ts`.
 *
 * Network: MediaLive ignores RTMP pushes from any address outside the input security group, so a
 * task with an ephemeral public IP never reaches its channel. Tasks therefore run without a public
 * IP in private subnets whose only way out is one NAT gateway with a fixed Elastic IP,
 * {@link egressCidr}, which the stack adds to the input security group. One gateway, not one per
 * AZ: every task then pushes from the same single address (one of the group's 10 rules), at the
 * price of the connector losing its egress while that gateway's AZ is down (docs/DEPLOY.md).
 */
export class Connector extends Construct {
  public readonly cluster: Cluster;
  public readonly taskDefinition: FargateTaskDefinition;
  private readonly vpc: Vpc;
  private readonly natAddress: CfnEIP;
  private readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: ConnectorProps) {
    super(scope, id);
    this.natAddress = new CfnEIP(this, 'NatAddress', { domain: 'vpc' });
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      natGatewayProvider: NatProvider.gateway({ eipAllocationIds: [this.natAddress.attrAllocationId] }),
      subnetConfiguration: [
        { name: 'nat', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'connector', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      // No custom resource Lambda to lock the default group: nothing is placed in it.
      restrictDefaultSecurityGroup: false,
    });
    this.vpc.addFlowLog('RejectedFlows', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      ),
    });
    // Outbound only: the connector opens the meeting page and pushes RTMP; nothing connects to it.
    this.securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      allowAllOutbound: true,
      description: 'Chime connector tasks: outbound only',
    });
    this.cluster = new Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });

    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      // Chromium software-rendering a meeting (no GPU on Fargate) plus a live 1080p30 x264 encode:
      // the reference implementation needs about 4 vCPU / 8 GB; less drops frames under load.
      cpu: 4096,
      memoryLimitMiB: 8192,
      // X86_64: x264 live-encodes 1080p30 with AVX2 headroom on 4 vCPU, the image builds natively on
      // the usual x86 deploy machine, and Google Chrome (amd64 only) stays a drop-in if Chime's
      // client ever needs it over Debian's Chromium (see connector/README.md).
      runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    this.taskDefinition.addContainer(CONTAINER_NAME, {
      containerName: CONTAINER_NAME,
      image: connectorImage(this),
      logging: LogDrivers.awsLogs({
        streamPrefix: 'connector',
        logGroup: new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY }),
      }),
      // The image's own HEALTHCHECK (connector/Dockerfile): healthy once it is pushing.
      healthCheck: {
        command: ['CMD', '/opt/connector/healthcheck.sh'],
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        startPeriod: Duration.seconds(120),
        retries: 3,
      },
      stopTimeout: Duration.seconds(30),
      environment: { STREAMS_TABLE: props.streamTable.tableName, AWS_REGION: Stack.of(this).region },
    });
    // The container fetches its target itself, so no stream key is in RunTask's overrides (shown by
    // DescribeTasks, ECS events, CloudTrail). IAM cannot scope GetItem to the task's own stream
    // (dynamodb:LeadingKeys takes no per-task value), so the grant is narrowed to GetItem of the
    // attributes it needs, as in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_attributes.html;
    // the script then refuses a record whose connector is not the one its task was started for.
    this.taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.streamTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': TARGET_ATTRIBUTES },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    acknowledge(
      this.taskDefinition,
      'AwsSolutions-ECS2',
      'The only environment is the streams table name and the region, neither secret; the stream key is read by the container from the record at start.',
    );
    acknowledgeWildcards(
      this.taskDefinition.obtainExecutionRole(),
      'Pulling the connector image needs ecr:GetAuthorizationToken, which accepts only Resource "*"; the pull itself is on the image repository only.',
      ['*'],
    );
  }

  /** The environment `core/lambda/config.ts` reads (CONNECTOR_*): where and how run-connector starts a task. */
  get environment(): Record<string, string> {
    return {
      CONNECTOR_CLUSTER: this.cluster.clusterName,
      // By family: RunTask starts the latest revision, so a deploy's new image is used at once.
      CONNECTOR_TASK_DEFINITION: this.taskDefinition.family,
      CONNECTOR_CONTAINER_NAME: CONTAINER_NAME,
      CONNECTOR_SUBNETS: Fn.join(',', this.vpc.privateSubnets.map((subnet) => subnet.subnetId)),
      CONNECTOR_SECURITY_GROUPS: this.securityGroup.securityGroupId,
      // Out through the NAT gateway only, from the address the input security group allows.
      CONNECTOR_ASSIGN_PUBLIC_IP: 'DISABLED',
    };
  }

  /** The one address every connector task pushes RTMP from (the NAT gateway's Elastic IP), as a CIDR. */
  get egressCidr(): string {
    return `${this.natAddress.attrPublicIp}/32`;
  }

  /** Reports every connector task that stops (its ECS event `detail`) to `handler`. */
  reportStoppedTasksTo(handler: IFunction): void {
    new Rule(this, 'TaskStopped', {
      description: 'A Chime connector task stopped: clear it from its stream (tasks/connector-exited.ts)',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [this.cluster.clusterArn], lastStatus: ['STOPPED'] },
      },
      targets: [new LambdaFunction(handler, { event: RuleTargetInput.fromEventPath('$.detail'), retryAttempts: 8 })],
    });
  }
}

/**
 * The image: a registry URI from the `connectorImage` context (e.g. an ECR image CI pushed), or
 * else built from `connector/`. Either way `cdk synth` needs no Docker: an asset is only staged
 * into `cdk.out` at synth and built and pushed by `cdk deploy` (cdk-assets).
 */
function connectorImage(scope: Construct): ContainerImage {
  const { connectorImage: uri } = readInfraConfig(scope.node);
  const ecr = uri && /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)[:@](.+)$/.exec(uri);
  if (ecr) {
    // A private ECR image: through the repository, so the execution role is granted the pull.
    const [, account, region, name, tagOrDigest] = ecr;
    const repository = Repository.fromRepositoryAttributes(scope, 'ConnectorRepository', {
      repositoryName: name,
      repositoryArn: Arn.format({ partition: 'aws', service: 'ecr', account, region, resource: 'repository', resourceName: name }),
    });
    return ContainerImage.fromEcrRepository(repository, tagOrDigest);
  }
  if (uri) return ContainerImage.fromRegistry(uri);
  return ContainerImage.fromAsset(repoPath('connector'), { platform: Platform.LINUX_AMD64, exclude: ['*.md'] });
}
