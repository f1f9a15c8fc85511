import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { CONTEXT_DEFAULTS, parseInfraConfig } from '../../infra/config';
import { CDK_JSON_CONTEXT, GetAtt, Resource, allStatements, asArray, resourcesOf, rolesOf, synthStack, variablesOf } from './synth';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9';
const SPEKE_ROLE = 'arn:aws:iam::123456789012:role/speke-access';

describe('context validation (infra/config.ts)', () => {
  it('defaults every key as cdk.json and docs/DEPLOY.md say', () => {
    const config = parseInfraConfig({});
    expect(config).toMatchObject({
      archiveBucketName: 'fem-livestream-archive',
      workshopOutputBucketName: 'fem-workshops-out',
      ingestCidrs: [],
      apiWaitSeconds: 20,
      taskTimeoutSeconds: 50,
    });
    expect(config.apiGatewayCloudWatchRole).toBe(false);
    expect(parseInfraConfig({ apiGatewayCloudWatchRole: 'true' }).apiGatewayCloudWatchRole).toBe(true);
    expect(config.spekeUrl).toBeUndefined();
    expect(config.liveDomainName).toBeUndefined();
    for (const key of Object.keys(CONTEXT_DEFAULTS)) expectWithMessage(CDK_JSON_CONTEXT, key).toHaveProperty(key);
  });

  it('reads lists and numbers given with -c (strings)', () => {
    const config = parseInfraConfig({ ingestCidrs: '203.0.113.0/24, 198.51.100.7/32', apiWaitSeconds: '5' });
    expect(config.ingestCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(config.apiWaitSeconds).toBe(5);
    expect(parseInfraConfig({ taskTimeoutSeconds: '40' }).taskTimeoutSeconds).toBe(40);
    expect(parseInfraConfig({ ingestCidrs: '["203.0.113.0/24"]' }).ingestCidrs).toEqual(['203.0.113.0/24']);
    expect(parseInfraConfig({ consoleOrigins: 'http://127.0.0.1:4000,https://ops.example.com' }).consoleOrigins).toEqual(['http://127.0.0.1:4000', 'https://ops.example.com']);
    expect(parseInfraConfig({ consoleOrigins: '' }).consoleOrigins).toEqual([]);
  });

  it.each([
    ['a CIDR that is not one', { ingestCidrs: ['203.0.113.0'] }, /ingestCidrs/],
    ['more than 9 CIDRs (MediaLive takes 10 rules; the connector has one)', { ingestCidrs: Array.from({ length: 10 }, (_, i) => `10.0.${i}.0/24`) }, /ingestCidrs/],
    ['a task timeout a watching channel Describe would outlast', { taskTimeoutSeconds: '20' }, /taskTimeoutSeconds.*at least 40 s/],
    ['a task timeout one second short of the watch and its margin', { taskTimeoutSeconds: '39' }, /taskTimeoutSeconds.*at least 40 s/],
    ['a task timeout the 60 s Task state would cut', { taskTimeoutSeconds: '56' }, /taskTimeoutSeconds.*60 s Task timeout/],
    ['a bucket name S3 refuses', { archiveBucketName: 'My_Archive' }, /archiveBucketName/],
    ['a live domain without a certificate', { liveDomainName: 'live.example.com' }, /liveCertificateArn/],
    ['a certificate outside us-east-1', { liveDomainName: 'live.example.com', liveCertificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1') }, /us-east-1/],
    ['a SPEKE URL without its role', { spekeUrl: 'https://keys.example.com/speke' }, /spekeRoleArn/],
    ['a SPEKE URL over plain HTTP', { spekeUrl: 'http://keys.example.com/speke', spekeRoleArn: SPEKE_ROLE }, /spekeUrl/],
    ['an API wait API Gateway would cut', { apiWaitSeconds: 30 }, /apiWaitSeconds/],
    ['a CloudWatch role switch that is not a boolean', { apiGatewayCloudWatchRole: 'yes' }, /apiGatewayCloudWatchRole/],
    ['a console origin with a path (CORS matches origins only)', { consoleOrigins: 'http://127.0.0.1:3100/console' }, /consoleOrigins.*must be an origin/],
    ['a console origin that is not a URL', { consoleOrigins: '127.0.0.1:3100' }, /consoleOrigins/],
  ])('refuses %s, naming the key', (_what, raw, key) => {
    expect(() => parseInfraConfig(raw)).toThrow(key);
  });
});

describe('stack with every optional context key set', () => {
  // One synth for this file's stack assertions.
  const { stack, template, nag } = synthStack({
    ingestCidrs: '203.0.113.0/24,198.51.100.7/32',
    liveDomainName: 'live.example.com',
    liveCertificateArn: CERTIFICATE,
    spekeUrl: 'https://keys.example.com/speke',
    spekeRoleArn: SPEKE_ROLE,
    archiveBucketName: 'my-archive',
    apiGatewayCloudWatchRole: 'true',
  });

  it("opts in to setting the account's API Gateway CloudWatch Logs role, kept when the stack goes", () => {
    const accounts = template.findResources('AWS::ApiGateway::Account');
    expect(Object.keys(accounts)).toHaveLength(1);
    const [roleId] = GetAtt.parse(Resource.parse(Object.values(accounts)[0]).Properties!.CloudWatchRoleArn)['Fn::GetAtt'];
    const role = resourcesOf(template)[roleId];
    expect(role.Properties!.AssumeRolePolicyDocument!.Statement[0].Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    expect(role.DeletionPolicy).toBe('Retain');
  });

  it('allows RTMP pushes from exactly the listed CIDRs', () => {
    template.hasResourceProperties('AWS::MediaLive::InputSecurityGroup', {
      WhitelistRules: [{ Cidr: '203.0.113.0/24' }, { Cidr: '198.51.100.7/32' }, { Cidr: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }],
    });
  });

  it('serves the live distribution on the custom domain with TLS 1.2+', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['live.example.com'],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: CERTIFICATE, MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
    expect(stack.media.liveBaseUrl).toBe('https://live.example.com');
  });

  it('hands the tasks the SPEKE server, and lets only configure-endpoint pass its role', () => {
    const resources = resourcesOf(template);
    const lambdas = Object.values(resources).filter((r) => r.Properties?.Environment?.Variables?.TABLE_NAME);
    for (const fn of lambdas) {
      expect(variablesOf(fn)).toMatchObject({ SPEKE_URL: 'https://keys.example.com/speke', SPEKE_ROLE_ARN: SPEKE_ROLE });
    }
    const passers = allStatements(template)
      .filter(({ statement }) => asArray(statement.Action).includes('iam:PassRole') && asArray(statement.Resource).includes(SPEKE_ROLE))
      .flatMap(({ resource }) => rolesOf(resources[resource]));
    const configureEndpointRole = stack.resolve((stack.tasks.functions['configure-endpoint'].role!.node.defaultChild as CfnElement).logicalId) as string;
    expect(passers).toEqual([configureEndpointRole]);
  });

  it('names the archive bucket from context', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'my-archive' });
  });

  it('still passes cdk-nag AwsSolutions with nothing unacknowledged', () => {
    expect(nag.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
