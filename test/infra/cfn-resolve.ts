import type { Resource } from './synth';

/** The sample environment a synthesized (environment-agnostic) template is resolved in. */
export const SAMPLE = { account: '123456789012', region: 'us-east-1', partition: 'aws', stackName: 'FrontMasterLiveStream' } as const;

const arn = (service: string, resource: string, { region = SAMPLE.region }: { region?: string } = {}) =>
  `arn:${SAMPLE.partition}:${service}:${region}:${SAMPLE.account}:${resource}`;

/**
 * What `Ref` and `Fn::GetAtt` return for the resource types this stack's policies name, as
 * CloudFormation documents them per type (the "Return values" section of each resource). A type
 * not listed throws: add it rather than guess.
 */
const RETURN_VALUES: Readonly<
  Record<string, (name: string, props: Record<string, any>) => { ref: string; attributes: Record<string, string> }>
> = {
  'AWS::DynamoDB::Table': (name, p) => {
    const table = p.TableName ?? name;
    return { ref: table, attributes: { Arn: arn('dynamodb', `table/${table}`) } };
  },
  'AWS::S3::Bucket': (name, p) => {
    const bucket = p.BucketName ?? name.toLowerCase();
    return { ref: bucket, attributes: { Arn: `arn:${SAMPLE.partition}:s3:::${bucket}` } };
  },
  'AWS::IAM::Role': (name, p) => {
    const role = p.RoleName ?? name;
    return { ref: role, attributes: { Arn: arn('iam', `role/${role}`, { region: '' }) } };
  },
  'AWS::ECS::Cluster': (name, p) => {
    const cluster = p.ClusterName ?? name;
    return { ref: cluster, attributes: { Arn: arn('ecs', `cluster/${cluster}`) } };
  },
  'AWS::ECS::TaskDefinition': (name, p) => {
    const definition = arn('ecs', `task-definition/${p.Family ?? name}:1`);
    return { ref: definition, attributes: { TaskDefinitionArn: definition } };
  },
  'AWS::StepFunctions::StateMachine': (name, p) => {
    const machine = p.StateMachineName ?? name;
    return { ref: arn('states', `stateMachine:${machine}`), attributes: { Name: machine, Arn: arn('states', `stateMachine:${machine}`) } };
  },
  'AWS::Lambda::Function': (name, p) => {
    const fn = p.FunctionName ?? name;
    return { ref: fn, attributes: { Arn: arn('lambda', `function:${fn}`) } };
  },
  'AWS::CloudFront::KeyValueStore': (name) => ({
    ref: name,
    attributes: { Arn: arn('cloudfront', `key-value-store/${name.toLowerCase()}`, { region: '' }), Id: name.toLowerCase() },
  }),
  'AWS::Scheduler::ScheduleGroup': (name, p) => ({ ref: p.Name ?? name, attributes: { Arn: arn('scheduler', `schedule-group/${p.Name ?? name}`) } }),
  'AWS::SQS::Queue': (name) => ({
    ref: `https://sqs.${SAMPLE.region}.amazonaws.com/${SAMPLE.account}/${name}`,
    attributes: { Arn: arn('sqs', name), QueueName: name },
  }),
  'AWS::Logs::LogGroup': (name, p) => {
    const group = p.LogGroupName ?? name;
    return { ref: group, attributes: { Arn: arn('logs', `log-group:${group}:*`) } };
  },
  'AWS::MediaLive::InputSecurityGroup': (name) => ({ ref: name, attributes: { Arn: arn('medialive', `inputSecurityGroup:${name}`) } }),
};

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::AccountId': SAMPLE.account,
  'AWS::Region': SAMPLE.region,
  'AWS::Partition': SAMPLE.partition,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': SAMPLE.stackName,
};

/**
 * Resolves CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
 * `Fn::Sub`, pseudo parameters) in `value` to the strings the template would hold once deployed in
 * {@link SAMPLE}, so a policy can be judged as AWS would see it.
 */
export function resolver(resources: Readonly<Record<string, Resource>>) {
  const returnValues = (logicalId: string) => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId} in the template`);
    const values = RETURN_VALUES[resource.Type];
    if (!values) throw new Error(`cfn-resolve: add the return values of ${resource.Type} (${logicalId})`);
    return values(logicalId, resource.Properties ?? {});
  };

  const resolve = (value: unknown): any => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      switch (fn) {
        case 'Ref':
          return PSEUDO[arg] ?? returnValues(arg).ref;
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
          const got = returnValues(id).attributes[attribute];
          if (got === undefined) throw new Error(`cfn-resolve: add attribute ${attribute} of ${resources[id].Type}`);
          return got;
        }
        case 'Fn::Join':
          return (resolve(arg[1]) as unknown[]).join(arg[0]);
        case 'Fn::Select':
          return resolve(arg[1])[Number(resolve(arg[0]))];
        case 'Fn::Split':
          return String(resolve(arg[1])).split(arg[0]);
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
          return String(text).replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (vars[name] !== undefined) return resolve(vars[name]);
            if (PSEUDO[name]) return PSEUDO[name];
            const [id, attribute] = name.split('.');
            return attribute ? resolve({ 'Fn::GetAtt': [id, attribute] }) : resolve({ Ref: id });
          });
        }
      }
      if (fn.startsWith('Fn::')) throw new Error(`cfn-resolve: ${fn} is not supported`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}
