import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { describe, expect, it } from '@jest/globals';
import { GetAtt, Join, Ref, Resource, asArray, resourcesOf, statementsOfRole, synthStack, variablesOf } from './synth';

const { stack, template, nag } = synthStack();
const resources = resourcesOf(template);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const taskDefinitionId = logicalId(stack.connector.taskDefinition);
const taskDefinition = resources[taskDefinitionId].Properties!;
const containers = taskDefinition.ContainerDefinitions ?? [];

describe('connector task definition', () => {
  it('is a Fargate task of 4 vCPU / 8 GB on linux/x86_64', () => {
    expect(taskDefinition).toMatchObject({
      Cpu: '4096',
      Memory: '8192',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
  });

  it('runs one container whose health check reads the readiness file, logging to its own group', () => {
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      Name: 'connector',
      Essential: true,
      HealthCheck: { Command: ['CMD', '/opt/connector/healthcheck.sh'], StartPeriod: 120 },
      LogConfiguration: { LogDriver: 'awslogs' },
    });
    // No secret in the task definition: the container reads its RTMP URL from the record at start.
    expect(JSON.stringify(containers[0].Environment ?? [])).not.toMatch(/RTMP|rtmp/);
  });

  it('is built from connector/ as an asset when no image is given: synth needs no Docker', () => {
    const image = JSON.stringify(containers[0].Image);
    expect(image).toContain('cdk-hnb659fds-container-assets');
  });
});

describe('connector network', () => {
  const groupId = logicalId(stack.connector.node.findChild('TaskSecurityGroup'));

  it('accepts no inbound connection at all', () => {
    expect(resources[groupId].Properties!.SecurityGroupIngress ?? []).toEqual([]);
    const ingressRules = Object.values(resources).filter(
      (r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.Properties).includes(groupId),
    );
    expect(ingressRules).toEqual([]);
  });

  // MediaLive ignores RTMP pushes from addresses outside the input's security group
  // (https://docs.aws.amazon.com/medialive/latest/ug/working-with-input-security-groups.html),
  // so the connector must push from an address the stack puts in that group.
  const connectorEnv = () => variablesOf(resources[logicalId(stack.tasks.functions['run-connector'])]);
  const nats = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::NatGateway');

  it('pushes through one NAT gateway whose Elastic IP the MediaLive input security group allows', () => {
    expect(nats).toHaveLength(1);
    const allocation = GetAtt.parse(nats[0][1].Properties!.AllocationId);
    const [eipId, attribute] = allocation['Fn::GetAtt'];
    expect(resources[eipId].Type).toBe('AWS::EC2::EIP');
    expect(attribute).toBe('AllocationId');
    const whitelist = Object.values(resources).find((r) => r.Type === 'AWS::MediaLive::InputSecurityGroup')!.Properties!.WhitelistRules;
    expect(whitelist).toContainEqual({ Cidr: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [eipId, 'PublicIp'] }, '/32']] } });
  });

  it('runs tasks with no public IP, in subnets whose default route is that NAT gateway', () => {
    expect(connectorEnv().CONNECTOR_ASSIGN_PUBLIC_IP).toBe('DISABLED');
    const subnets = Join.parse(connectorEnv().CONNECTOR_SUBNETS)['Fn::Join'][1].map((s) => Ref.parse(s).Ref);
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    const routeTableOf = (subnet: string) =>
      Ref.parse(
        Object.values(resources).find((r) => r.Type === 'AWS::EC2::SubnetRouteTableAssociation' && Ref.parse(r.Properties!.SubnetId).Ref === subnet)!
          .Properties!.RouteTableId,
      ).Ref;
    for (const subnet of subnets) {
      expect(resources[subnet].Properties!.MapPublicIpOnLaunch).not.toBe(true);
      const defaultRoutes = Object.values(resources).filter(
        (r) => r.Type === 'AWS::EC2::Route' && Ref.parse(r.Properties!.RouteTableId).Ref === routeTableOf(subnet) && r.Properties!.DestinationCidrBlock === '0.0.0.0/0',
      );
      expect(defaultRoutes.map((r) => r.Properties)).toEqual([expect.objectContaining({ NatGatewayId: { Ref: nats[0][0] } })]);
    }
  });
});

describe('connector roles (least privilege)', () => {
  const taskRole = logicalId(stack.connector.taskDefinition.taskRole);
  const executionRole = logicalId(stack.connector.taskDefinition.executionRole as never);
  const statementsOf = (role: string) => statementsOfRole(template, role);

  it('lets the container read only its target attributes of the streams table (issue 10 item 7), nothing else', () => {
    expect(statementsOf(taskRole)).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^StorageStreams/), 'Arn'] }) as unknown,
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id', 'connector', 'connector_execution', 'rtmp1', 'rtmp_ivs'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
    ]);
    const environment = z.array(z.object({ Name: z.string() })).parse(containers[0].Environment);
    expect(environment.map((e) => e.Name).sort()).toEqual(['AWS_REGION', 'STREAMS_TABLE']);
    expect(resources[taskRole].Properties!.ManagedPolicyArns).toBeUndefined();
    expect(resources[taskRole].Properties!.AssumeRolePolicyDocument!.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'ecs-tasks.amazonaws.com' } }),
    ]);
  });

  it('lets ECS only pull the image and write the container logs', () => {
    const actions = statementsOf(executionRole).flatMap((s) => asArray<string>(s.Action));
    expect(new Set(actions)).toEqual(
      new Set([
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    );
  });

  it('reports no unacknowledged cdk-nag finding on the connector', () => {
    const findings = nag.violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('/Connector/')));
    expect(findings.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('connector image from the connectorImage context', () => {
  it('uses a private ECR image as given and grants the pull on that repository only', () => {
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/fmls-connector:2026-01-01';
    const other = synthStack({ connectorImage: uri });
    const definition = other.template.findResources('AWS::ECS::TaskDefinition');
    const image = JSON.stringify(Resource.parse(Object.values(definition)[0]).Properties!.ContainerDefinitions![0].Image);

    expect(image).toContain('fmls-connector:2026-01-01');
    expect(image).not.toContain('container-assets');
    other.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['ecr:BatchGetImage']), Resource: Match.stringLikeRegexp('repository/fmls-connector$') }),
        ]),
      },
    });
  });

  it('refuses an image URI without a tag or digest', () => {
    expect(() => synthStack({ connectorImage: 'fmls-connector' })).toThrow(/connectorImage/);
  });
});
