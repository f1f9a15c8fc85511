import { z } from 'zod';
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
/** The name properties the return values are built from; a name CloudFormation generates is the logical id here. */
const Names = z
  .looseObject({
    TableName: z.string(),
    BucketName: z.string(),
    RoleName: z.string(),
    ClusterName: z.string(),
    Family: z.string(),
    StateMachineName: z.string(),
    FunctionName: z.string(),
    Name: z.string(),
    LogGroupName: z.string(),
  })
  .partial();
type Names = z.infer<typeof Names>;

const RETURN_VALUES: Readonly<
  Record<string, (name: string, props: Names) => { ref: string; attributes: Record<string, string> }>
> = {
  'AWS::DynamoDB::Table': (name, p) => {
    const table = p.TableName ?? name;
    // A stream's label is the time it was made (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html, LatestStreamLabel).
    return { ref: table, attributes: { Arn: arn('dynamodb', `table/${table}`), StreamArn: arn('dynamodb', `table/${table}/stream/2026-12-01T00:00:00.000`) } };
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
    return values(logicalId, Names.parse(resource.Properties ?? {}));
  };

  const text = (value: unknown, what: string): string => {
    if (typeof value !== 'string') throw new Error(`cfn-resolve: ${what} must resolve to a string, got ${JSON.stringify(value)}`);
    return value;
  };
  const list = (value: unknown, what: string): unknown[] => {
    if (!Array.isArray(value)) throw new Error(`cfn-resolve: ${what} must resolve to a list, got ${JSON.stringify(value)}`);
    return value as unknown[];
  };
  const pair = (arg: unknown, fn: string): [unknown, unknown] => {
    const [first, second] = list(arg, `the argument of ${fn}`);
    return [first, second];
  };
  const getAtt = (id: string, attribute: string): string => {
    const got = returnValues(id).attributes[attribute];
    if (got === undefined) throw new Error(`cfn-resolve: add attribute ${attribute} of ${resources[id].Type}`);
    return got;
  };

  /** `value` with every intrinsic replaced by what it evaluates to: a string, a list, or the same shape. */
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      switch (fn) {
        case 'Ref': {
          const name = text(arg, 'Ref');
          return PSEUDO[name] ?? returnValues(name).ref;
        }
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? pair(arg, fn) : text(arg, fn).split('.');
          return getAtt(text(id, fn), text(attribute, fn));
        }
        case 'Fn::Join': {
          const [delimiter, parts] = pair(arg, fn);
          return list(resolve(parts), fn).join(text(delimiter, fn));
        }
        case 'Fn::Select': {
          const [index, from] = pair(arg, fn);
          return list(resolve(from), fn)[Number(resolve(index))];
        }
        case 'Fn::Split': {
          const [delimiter, source] = pair(arg, fn);
          return text(resolve(source), fn).split(text(delimiter, fn));
        }
        case 'Fn::Sub': {
          const [template, vars] = Array.isArray(arg) ? pair(arg, fn) : [arg, {}];
          const variables = z.record(z.string(), z.unknown()).parse(vars);
          return text(template, fn).replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (variables[name] !== undefined) return text(resolve(variables[name]), `\${${name}}`);
            if (PSEUDO[name]) return PSEUDO[name];
            const [id, attribute] = name.split('.');
            return attribute ? getAtt(id, attribute) : text(resolve({ Ref: id }), `\${${name}}`);
          });
        }
      }
      if (fn.startsWith('Fn::')) throw new Error(`cfn-resolve: ${fn} is not supported`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}
