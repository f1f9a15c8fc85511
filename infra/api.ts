import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { projectFunction } from './lambda';
import { acknowledge, acknowledgeWildcards } from './nag';

export interface ApiProps {
  /** Configuration shared with the tasks (tables, buckets, live distribution…). */
  readonly environment: Readonly<Record<string, string>>;
  readonly streamTable: ITable;
  readonly idempotencyTable: ITable;
  /** Read by the session playlist route (its listing and segment probes) and presigned for the player. */
  readonly archiveBucket: IBucket;
  /** By action; the handler starts them and reads their executions. */
  readonly stateMachines: Readonly<Record<string, StateMachine>>;
  /** How long short actions wait for their workflow (`API_WAIT_SECONDS`). */
  readonly waitSeconds: number;
  /** Set the account-wide API Gateway CloudWatch Logs role (context `apiGatewayCloudWatchRole`). */
  readonly setAccountCloudWatchRole: boolean;
}

/** API Gateway's hard limit on a REST integration; the handler must answer before it. */
const INTEGRATION_LIMIT_SECONDS = 29;

/**
 * The HTTP edge: a REST API whose every method requires IAM (SigV4) authorization, proxying every
 * path to the one handler (`api/handler.ts`), whose route table answers or 404s.
 */
export class Api extends Construct {
  public readonly restApi: RestApi;
  public readonly handler: NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.handler = projectFunction(this, 'Handler', {
      entry: 'api/handler.ts',
      description: 'FrontMaster Live Stream API',
      memorySize: 512,
      timeout: Duration.seconds(Math.min(props.waitSeconds + 5, INTEGRATION_LIMIT_SECONDS - 1)),
      environment: {
        ...props.environment,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyTable.tableName,
        API_WAIT_SECONDS: String(props.waitSeconds),
        STATE_MACHINE_ARNS: stack.toJsonString(
          Object.fromEntries(Object.entries(props.stateMachines).map(([action, sm]) => [action, sm.stateMachineArn])),
        ),
      },
    });
    // The store's calls (create = Put, update/claim = Get+Update, delete, list = Scan) and
    // Powertools idempotency's record lifecycle.
    props.streamTable.grant(this.handler, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan');
    props.idempotencyTable.grant(this.handler, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    const executions = Object.values(props.stateMachines).map((sm) =>
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${sm.stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    for (const sm of Object.values(props.stateMachines)) sm.grantStartExecution(this.handler);
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: executions }),
    );
    acknowledgeWildcards(
      this.handler.role!,
      'Executions exist only at run time: `execution:{state machine}:*` of this stack\'s state machines, nothing else.',
      executions,
    );

    // The session playlist (api/actions/sessions.ts): it lists a session's folder, reads the first and
    // last segments' bytes to time them, and presigns each segment's GET for the player, which S3
    // authorizes as this role's own s3:GetObject. Segments only (`*.ts`): not the split playlists
    // beside them, nor anything else a prefix may hold.
    const segments = props.archiveBucket.arnForObjects('*.ts');
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.archiveBucket.bucketArn] }));
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [segments] }));
    acknowledgeWildcards(
      this.handler.role!,
      'Sessions are recorded at run time under prefixes the operator chooses: any archive segment (`*.ts`) of the archive bucket, which the session playlist reads and presigns.',
      [segments],
    );

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      description: 'FrontMaster Live Stream control plane (docs/API.md)',
      endpointTypes: [EndpointType.REGIONAL],
      // Stage logging needs the account's API Gateway CloudWatch Logs role, one per account and
      // region: this stack sets it only when asked, and then keeps it when the stack goes, since
      // other APIs of the account log through it too.
      cloudWatchRole: props.setAccountCloudWatchRole,
      cloudWatchRoleRemovalPolicy: props.setAccountCloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: 'prod',
        loggingLevel: MethodLoggingLevel.INFO,
        // Bodies hold RTMP URLs with stream keys: never log them.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      defaultIntegration: new LambdaIntegration(this.handler),
    });
    this.restApi.root.addProxy({ anyMethod: true });

    acknowledge(
      this.restApi,
      'AwsSolutions-APIG2',
      'The handler validates every request with the zod schemas of api/, the single source of validation and of docs/openapi.json and docs/API.md (their error bodies).',
    );
    acknowledge(
      this.restApi,
      'AwsSolutions-APIG3',
      'Every method requires SigV4-signed IAM credentials; anonymous traffic is refused by API Gateway before any code runs.',
    );
    acknowledge(this.restApi, 'AwsSolutions-COG4', 'The contract (docs/API.md) is IAM (SigV4) authorization on every route, not Cognito user pools.');
    if (props.setAccountCloudWatchRole) {
      acknowledge(
        this.restApi,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        "API Gateway's account-level CloudWatch role uses the AWS-managed push-to-CloudWatch-Logs policy, the documented setup for stage logging.",
      );
    }
  }
}
