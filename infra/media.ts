import { Annotations, ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  CachedMethods,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  KeyValueStore,
  OriginProtocolPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnInputSecurityGroup } from 'aws-cdk-lib/aws-medialive';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { InfraConfig } from './config';
import { repoPath } from './lambda';
import { acknowledge, acknowledgeWildcards } from './nag';

export interface MediaProps {
  readonly config: InfraConfig;
  readonly archiveBucket: IBucket;
  readonly workshopOutputBucket: IBucket;
  readonly accessLogsBucket: IBucket;
}

/**
 * The media plane's fixed parts: who may push RTMP (the input security group), what MediaLive
 * channels may touch (their role), and the live distribution viewers watch through. Channels,
 * inputs and MediaPackage endpoints are per stream and made at run time by the workflows.
 */
export class Media extends Construct {
  public readonly inputSecurityGroup: CfnInputSecurityGroup;
  public readonly mediaLiveRole: Role;
  public readonly mediaConvertRole: Role;
  public readonly liveRoutes: KeyValueStore;
  public readonly liveDistribution: Distribution;
  /** `https://{live domain or the distribution's domain}`, the base of every `live_endpoint`. */
  public readonly liveBaseUrl: string;

  constructor(scope: Construct, id: string, props: MediaProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config } = props;

    // No CIDRs, no pushes: MediaLive ignores pushes from addresses outside the group's rules, and
    // there is deliberately no open-to-the-world default.
    this.inputSecurityGroup = new CfnInputSecurityGroup(this, 'IngestAllowList', {
      whitelistRules: config.ingestCidrs.map((cidr) => ({ cidr })),
    });
    if (config.ingestCidrs.length === 0) {
      Annotations.of(this).addWarningV2(
        'frontmaster:no-ingest-cidrs',
        'Context "ingestCidrs" is empty: MediaLive inputs will refuse every RTMP push until it lists your encoders\' networks (docs/DEPLOY.md).',
      );
    }

    this.mediaLiveRole = new Role(this, 'MediaLiveRole', {
      assumedBy: new ServicePrincipal('medialive.amazonaws.com'),
      description: 'Assumed by MediaLive channels: deliver to MediaPackage, write archive segments',
    });
    const packageChannels = stack.formatArn({
      service: 'mediapackage',
      resource: 'channels',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const archiveObjects = props.archiveBucket.arnForObjects('*');
    this.mediaLiveRole.addToPolicy(new PolicyStatement({ actions: ['mediapackage:DescribeChannel'], resources: [packageChannels] }));
    this.mediaLiveRole.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.archiveBucket.bucketArn] }));
    this.mediaLiveRole.addToPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [archiveObjects] }));
    acknowledgeWildcards(
      this.mediaLiveRole,
      'MediaPackage channels and archive segment keys are made at run time, one per stream and session: any channel of this account and region, any key of the archive bucket only.',
      [packageChannels, archiveObjects],
    );

    // Split's jobs read a session's playlist and segments and write the MP4s.
    this.mediaConvertRole = new Role(this, 'MediaConvertRole', {
      assumedBy: new ServicePrincipal('mediaconvert.amazonaws.com'),
      description: 'Assumed by MediaConvert split jobs: read archive playlists and segments, write workshop MP4s',
    });
    const outputObjects = props.workshopOutputBucket.arnForObjects('*');
    this.mediaConvertRole.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [archiveObjects] }));
    this.mediaConvertRole.addToPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [outputObjects] }));
    acknowledgeWildcards(
      this.mediaConvertRole,
      'Section playlists, segments and MP4s have keys made at run time: any object of the archive bucket (read) and of the workshop output bucket (write), no other bucket.',
      [archiveObjects, outputObjects],
    );

    const live = this.liveDistributionFor(config, props.accessLogsBucket);
    this.liveRoutes = live.routes;
    this.liveDistribution = live.distribution;
    this.liveBaseUrl = `https://${config.liveDomainName ?? this.liveDistribution.distributionDomainName}`;
  }

  /** Lets RTMP pushes from `cidr` reach the MediaLive inputs (with the `ingestCidrs`). */
  allowPushesFrom(cidr: string): void {
    const rules = (this.inputSecurityGroup.whitelistRules ?? []) as CfnInputSecurityGroup.InputWhitelistRuleCidrProperty[];
    this.inputSecurityGroup.whitelistRules = [...rules, { cidr }];
  }

  /**
   * One distribution for every live stream. Routes are data in a KeyValueStore (one key per live
   * stream, written by the live/unlive tasks), not origins in the template: a later `cdk deploy`
   * never touches them, and two streams going live at once write two different keys.
   */
  private liveDistributionFor(config: InfraConfig, logBucket: IBucket) {
    const routes = new KeyValueStore(this, 'LiveRoutes', {
      comment: 'Live stream id -> {"origin": MediaPackage endpoint base URL}; written at run time',
    });
    const router = new CloudFrontFunction(this, 'LiveRouter', {
      comment: 'Routes /live/{stream id}/... to the stream\'s MediaPackage origin',
      code: FunctionCode.fromFile({ filePath: repoPath('infra/live-router.js') }),
      runtime: FunctionRuntime.JS_2_0,
      keyValueStore: routes,
    });

    // Never contacted: the router either points the request at a stream's origin or answers 404.
    // CloudFront needs an origin per behaviour, so it is MediaPackage's regional domain.
    const placeholder = new HttpOrigin(`mediapackage.${Aws.REGION}.amazonaws.com`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const hls = new CachePolicy(this, 'HlsCache', {
      comment: 'HLS from MediaPackage: follows the origin Cache-Control (short for playlists, long for segments)',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(2),
      maxTtl: Duration.days(1),
      // MediaPackage reads start-over and manifest filters from the query string.
      queryStringBehavior: CacheQueryStringBehavior.all(),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const routed: BehaviorOptions = {
      origin: placeholder,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: hls,
      // Browser players fetch playlists and segments cross-origin.
      responseHeadersPolicy: ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS,
      functionAssociations: [{ function: router, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    const certificate = config.liveCertificateArn
      ? Certificate.fromCertificateArn(this, 'LiveCertificate', config.liveCertificateArn)
      : undefined;
    const distribution = new Distribution(this, 'LiveDistribution', {
      comment: 'FrontMaster live: /live/{stream id}/index.m3u8',
      // The router answers 404 for paths outside /live/, so the default behaviour reaches no origin either.
      defaultBehavior: routed,
      additionalBehaviors: { '/live/*': routed },
      httpVersion: HttpVersion.HTTP2_AND_3,
      domainNames: config.liveDomainName ? [config.liveDomainName] : undefined,
      certificate,
      // Only a custom certificate lets the TLS policy be chosen (the default one is fixed by CloudFront).
      minimumProtocolVersion: certificate ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/live/',
    });

    acknowledge(distribution, 'AwsSolutions-CFR1', 'Workshops are watched worldwide; no geographic restriction is wanted.');
    acknowledge(
      distribution,
      'AwsSolutions-CFR2',
      'Read-only HLS (GET/HEAD/OPTIONS) with no application behind it; a WAF can be attached per deployment if abuse appears.',
    );
    if (!certificate) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR4',
        'Without context liveDomainName/liveCertificateArn the distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; with a custom domain the minimum is TLSv1.2_2021.',
      );
    }
    return { routes, distribution };
  }
}
