import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateChannelCommand,
  CreateInputCommand,
  DeleteChannelCommand,
  DeleteInputCommand,
  DescribeChannelCommand,
  DescribeInputCommand,
  ListChannelsCommand,
  MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
  UpdateChannelCommand,
  type CreateChannelCommandInput,
} from '@aws-sdk/client-medialive';
import { CreateChannelCommand as CreatePackageChannel, CreateOriginEndpointCommand, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { aws } from '../../../core/aws/calls';
import { Conflict, Invalid, NotFound } from '../../../core/domain/errors';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { DELETED_RETENTION_SECONDS, LocalMediaLive } from '../../../local/medialive';
import type { ChannelStateChangeEvent } from '../../../local/medialive-events';
import { LocalMediaPackage } from '../../../local/mediapackage';
import { RecordingMediaPlane } from './fakes';

const SG = '1000000';
/** A group whose whitelist leaves out 127.0.0.1, where every local push comes from. */
const REMOTE_ONLY_SG = '2000000';
const ROLE = 'arn:aws:iam::000000000000:role/ml';
const START_SECONDS = 3;

let dir: string;
let plane: RecordingMediaPlane;
let packages: LocalMediaPackage;
let live: LocalMediaLive;
let medialive: MediaLiveClient;
let mediapackage: MediaPackageClient;
/** The "MediaLive Channel State Change" events the stand-in sent, in order. */
let events: ChannelStateChangeEvent[];

function makeMediaLive() {
  live = new LocalMediaLive({
    rtmpPort: 1935,
    mediaPlane: plane,
    packages,
    inputSecurityGroups: { [SG]: ['127.0.0.1/32'], [REMOTE_ONLY_SG]: ['203.0.113.0/24', '198.51.100.7/32'] },
    startSeconds: START_SECONDS,
    transitionSeconds: 1,
    stateFile: join(dir, 'medialive.json'),
    onStateChange: (event) => events.push(event),
  });
  medialive = bindLocalService(new MediaLiveClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), live.service);
}

beforeEach(() => {
  jest.useFakeTimers();
  dir = mkdtempSync(join(tmpdir(), 'medialive-'));
  events = [];
  plane = new RecordingMediaPlane();
  packages = new LocalMediaPackage({ mediaPort: 8080 });
  mediapackage = bindLocalService(new MediaPackageClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), packages.service);
  makeMediaLive();
});
afterEach(() => {
  live.close();
  jest.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

async function anInput(requestId?: string, securityGroup = SG) {
  const out = await medialive.send(
    new CreateInputCommand({
      Name: 'workshop',
      Type: 'RTMP_PUSH',
      Destinations: [{ StreamName: 'live/key-one' }, { StreamName: 'live/key-two' }],
      InputSecurityGroups: [securityGroup],
      RequestId: requestId,
    }),
  );
  return out.Input!;
}

async function aPackageEndpoint() {
  await mediapackage.send(new CreatePackageChannel({ Id: 'pkg-1' }));
  await mediapackage.send(
    new CreateOriginEndpointCommand({
      ChannelId: 'pkg-1',
      Id: 'ep-1',
      StartoverWindowSeconds: 3600,
      HlsPackage: { Encryption: { KeyRotationIntervalSeconds: 60, SpekeKeyProvider: { ResourceId: 'r', RoleArn: 'x', SystemIds: ['s'], Url: 'https://k' } } },
    }),
  );
}

function channelRequest(inputId: string, overrides: Partial<CreateChannelCommandInput> = {}): CreateChannelCommandInput {
  return {
    Name: 'workshop',
    ChannelClass: 'STANDARD',
    RoleArn: ROLE,
    InputAttachments: [{ InputId: inputId, InputAttachmentName: 'rtmp' }],
    Destinations: [
      { Id: 'package', MediaPackageSettings: [{ ChannelId: 'pkg-1' }] },
      { Id: 'archive', Settings: [{ Url: 's3ssl://archive/2026/01/02/s1/archive_1' }, { Url: 's3ssl://archive/2026/01/02/s1/archive_2' }] },
    ],
    EncoderSettings: {
      AudioDescriptions: [],
      VideoDescriptions: [],
      TimecodeConfig: { Source: 'SYSTEMCLOCK' },
      OutputGroups: [
        { OutputGroupSettings: { MediaPackageGroupSettings: { Destination: { DestinationRefId: 'package' } } }, Outputs: [] },
        { OutputGroupSettings: { ArchiveGroupSettings: { Destination: { DestinationRefId: 'archive' }, RolloverInterval: 10 } }, Outputs: [] },
      ],
    },
    ...overrides,
  };
}

async function state(channelId: string) {
  return (await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }))).State;
}

async function idleChannel(securityGroup = SG) {
  const input = await anInput(undefined, securityGroup);
  await aPackageEndpoint();
  const { Channel } = await medialive.send(new CreateChannelCommand(channelRequest(input.Id!)));
  await jest.advanceTimersByTimeAsync(1000);
  return { input, channelId: Channel!.Id! };
}

describe('local MediaLive inputs', () => {
  it('creates an RTMP push input whose destinations point at the local ingest', async () => {
    const input = await anInput();

    expect(input.Destinations!.map((d) => d.Url)).toEqual(['rtmp://127.0.0.1:1935/live/key-one', 'rtmp://127.0.0.1:1935/live/key-two']);
    expect(input).toMatchObject({ State: 'DETACHED', InputClass: 'STANDARD', Type: 'RTMP_PUSH', SecurityGroups: [SG] });
  });

  it('returns the same input for a retried RequestId', async () => {
    const first = await anInput('token-1');
    const again = await anInput('token-1');

    expect(again.Id).toBe(first.Id);
  });

  it('rejects input types and security groups it does not have', async () => {
    const pull = medialive.send(new CreateInputCommand({ Type: 'URL_PULL', Sources: [{ Url: 'http://x' }] }));
    const badGroup = medialive.send(
      new CreateInputCommand({ Type: 'RTMP_PUSH', Destinations: [{ StreamName: 'a/b' }], InputSecurityGroups: ['42'] }),
    );

    await expect(pull).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(badGroup).rejects.toThrow('input security group 42 does not exist');
  });

  it('refuses to delete an attached input until its channel is deleted', async () => {
    const { input, channelId } = await idleChannel();

    await expect(aws('deleting input', () => medialive.send(new DeleteInputCommand({ InputId: input.Id })))).rejects.toBeInstanceOf(Conflict);
    await medialive.send(new DeleteChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(1000);
    await medialive.send(new DeleteInputCommand({ InputId: input.Id }));

    await expect(aws('describing input', () => medialive.send(new DescribeInputCommand({ InputId: input.Id })))).rejects.toBeInstanceOf(NotFound);
  });
});

describe('local MediaLive channels', () => {
  it('goes CREATING → IDLE, and refuses StartChannel while CREATING', async () => {
    // MediaLive's StartChannel ConflictException: "The channel is unable to start due to an issue with
    // channel resources" (service model medialive-2017-10-14, as in aws/aws-sdk-java AWSMediaLive.java);
    // starting a channel that is still CREATING fails (measured: docs/ARCHITECTURE.md).
    const input = await anInput();
    await aPackageEndpoint();

    const { Channel } = await medialive.send(new CreateChannelCommand(channelRequest(input.Id!)));
    const early = aws('starting channel', () => medialive.send(new StartChannelCommand({ ChannelId: Channel!.Id })));

    expect(Channel!.State).toBe('CREATING');
    await expect(early).rejects.toBeInstanceOf(Conflict);
    await expect(early).rejects.toMatchObject({ cause: { name: 'ConflictException', $metadata: { httpStatusCode: 409 } } });
    await jest.advanceTimersByTimeAsync(1000);
    expect(await state(Channel!.Id!)).toBe('IDLE');
    expect((await medialive.send(new DescribeInputCommand({ InputId: input.Id }))).AttachedChannels).toEqual([Channel!.Id]);
  });

  it('returns the channel a retried CreateChannel RequestId made, not a second one', async () => {
    // CreateChannelRequest.RequestId: "Unique request ID to be specified. This is needed to prevent
    // retries from creating multiple resources." (@aws-sdk/client-medialive models doc)
    const input = await anInput();
    await aPackageEndpoint();

    const first = await medialive.send(new CreateChannelCommand(channelRequest(input.Id!, { RequestId: 'token-ch' })));
    const again = await medialive.send(new CreateChannelCommand(channelRequest(input.Id!, { RequestId: 'token-ch' })));

    expect(again.Channel!.Id).toBe(first.Channel!.Id);
  });

  it('goes STARTING → RUNNING after the start delay and hands the media plane its wiring', async () => {
    const { channelId } = await idleChannel();

    const started = await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000 - 1);
    const beforeDelay = await state(channelId);
    await jest.advanceTimersByTimeAsync(1);

    expect(started.State).toBe('STARTING');
    expect(beforeDelay).toBe('STARTING');
    expect(plane.started).toEqual([
      {
        channelId,
        streamNames: ['live/key-one', 'live/key-two'],
        endpointId: 'ep-1',
        startoverWindowSeconds: 3600,
        keyRotationInterval: 60,
        archive: [
          { bucket: 'archive', keyBase: '2026/01/02/s1/archive_1' },
          { bucket: 'archive', keyBase: '2026/01/02/s1/archive_2' },
        ],
        segmentLength: 10,
        sourceCidrs: ['127.0.0.1/32'],
      },
    ]);
    const running = await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }));
    expect(running).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: 2 });
  });

  it('goes STOPPING → IDLE only after the media plane stopped the channel', async () => {
    const { channelId } = await idleChannel();
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);

    const stopping = await medialive.send(new StopChannelCommand({ ChannelId: channelId }));
    await live.settled();
    await jest.advanceTimersByTimeAsync(1000);

    expect(stopping.State).toBe('STOPPING');
    expect(plane.stopped).toEqual([channelId]);
    expect(await state(channelId)).toBe('IDLE');
  });

  it('a stop during STARTING never starts the media plane', async () => {
    const { channelId } = await idleChannel();
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));

    await medialive.send(new StopChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);

    expect(plane.started).toEqual([]);
    expect(plane.stopped).toEqual([]);
    expect(await state(channelId)).toBe('IDLE');
  });

  it('returns to IDLE when the media plane cannot start the channel', async () => {
    const { channelId } = await idleChannel();
    plane.failNextStart = new Error('ffmpeg missing');

    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);
    await live.settled();

    expect(await state(channelId)).toBe('IDLE');
  });

  it('refuses to stop an idle channel, update or delete a running one', async () => {
    const { channelId } = await idleChannel();
    const stopIdle = aws('stopping', () => medialive.send(new StopChannelCommand({ ChannelId: channelId })));
    await expect(stopIdle).rejects.toBeInstanceOf(Conflict);
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);

    const update = aws('updating', () => medialive.send(new UpdateChannelCommand({ ChannelId: channelId, Name: 'x' })));
    const remove = aws('deleting', () => medialive.send(new DeleteChannelCommand({ ChannelId: channelId })));

    await expect(update).rejects.toBeInstanceOf(Conflict);
    await expect(remove).rejects.toBeInstanceOf(Conflict);
  });

  it('points the archive somewhere else with UpdateChannel, used at the next start', async () => {
    const { channelId } = await idleChannel();
    const request = channelRequest('unused');

    const updated = await medialive.send(
      new UpdateChannelCommand({
        ChannelId: channelId,
        RoleArn: ROLE,
        Destinations: [request.Destinations![0], { Id: 'archive', Settings: [{ Url: 's3://other/p/archive_1' }, { Url: 's3://other/p/archive_2' }] }],
      }),
    );
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);

    expect(updated.Channel!.State).toBe('IDLE');
    expect(plane.started[0].archive).toEqual([
      { bucket: 'other', keyBase: 'p/archive_1' },
      { bucket: 'other', keyBase: 'p/archive_2' },
    ]);
  });

  it('removes the role on an UpdateChannel that omits RoleArn, and then refuses to start the channel', async () => {
    // "If you do not specify this on an update call but the role was previously set that role will be
    // removed": UpdateChannelRequest.RoleArn, @aws-sdk/client-medialive dist-types/models/models_1.d.ts.
    // Without its role MediaLive cannot reach the account's resources while the channel runs
    // (https://docs.aws.amazon.com/medialive/latest/ug/about-trusted-entity.html; the archive is
    // written "via the trusted entity": https://docs.aws.amazon.com/medialive/latest/ug/origin-server-s3.html).
    // How the service reports it is not documented; the stand-in refuses StartChannel with
    // BadRequestException, one of StartChannel's modeled errors, so a stripped role fails loudly here.
    const { channelId } = await idleChannel();

    await medialive.send(new UpdateChannelCommand({ ChannelId: channelId, Name: 'renamed' }));
    const described = await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }));
    const start = aws('starting channel', () => medialive.send(new StartChannelCommand({ ChannelId: channelId })));

    expect(described.RoleArn).toBeUndefined();
    expect(described.Name).toBe('renamed');
    await expect(start).rejects.toBeInstanceOf(Invalid);
    await expect(start).rejects.toMatchObject({ cause: { name: 'BadRequestException' } });
    await expect(start).rejects.toThrow(/roleArn/);
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);
    expect(await state(channelId)).toBe('IDLE');
    expect(plane.started).toEqual([]);
  });

  it('keeps the role, and starts, when the UpdateChannel sends it back', async () => {
    const { channelId } = await idleChannel();

    await medialive.send(new UpdateChannelCommand({ ChannelId: channelId, Name: 'renamed', RoleArn: ROLE }));
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);

    expect((await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }))).RoleArn).toBe(ROLE);
    expect(await state(channelId)).toBe('RUNNING');
  });

  it("describes a destination's unused kinds as empty lists, and refuses them sent back as more than one kind", async () => {
    // DescribeChannel/CreateChannel answer a MediaPackage destination with "Settings": [] beside its
    // MediaPackageSettings, and a destination sent with both fails: "Exactly one of settings, MediaPackage
    // settings, or Multiplex settings is required for destination" (aws/aws-sdk-php#2087,
    // hashicorp/terraform-provider-aws#30659).
    const { channelId } = await idleChannel();

    const described = await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }));
    const verbatim = aws('updating channel', () =>
      medialive.send(new UpdateChannelCommand({ ChannelId: channelId, RoleArn: ROLE, Destinations: described.Destinations })),
    );

    expect(described.Destinations!.find((d) => d.Id === 'package')).toEqual({ Id: 'package', MediaPackageSettings: [{ ChannelId: 'pkg-1' }], Settings: [] });
    await expect(verbatim).rejects.toBeInstanceOf(Invalid);
    await expect(verbatim).rejects.toMatchObject({ cause: { name: 'UnprocessableEntityException' } });
    await expect(verbatim).rejects.toThrow(/Exactly one of settings, MediaPackage settings, or Multiplex settings is required for destination package/);
  });

  it("hands the media plane its input security group's whitelist: pushes from elsewhere are ignored", async () => {
    // "This input security group has a CIDR block that covers the IP addresses where the pushed source
    // will appear on the public network, which ensures that MediaLive accepts the pushed content":
    // https://docs.aws.amazon.com/medialive/latest/ug/setup-result-rtmp-push.html. The ingest side is
    // tested in test/unit/local/media/input-security.test.ts.
    const { channelId } = await idleChannel(REMOTE_ONLY_SG);

    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);

    expect(plane.started[0].sourceCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
  });

  it('rejects settings that do not wire up as UnprocessableEntity, attaching nothing', async () => {
    const input = await anInput();

    const noPackage = aws('creating channel', () =>
      medialive.send(new CreateChannelCommand(channelRequest(input.Id!, { Destinations: [{ Id: 'archive', Settings: [{ Url: 'rtmp://x/y' }] }] }))),
    );

    await expect(noPackage).rejects.toBeInstanceOf(Invalid);
    await expect(noPackage).rejects.toMatchObject({ cause: { name: 'UnprocessableEntityException' } });
    expect((await medialive.send(new DescribeInputCommand({ InputId: input.Id }))).State).toBe('DETACHED');
  });

  it('goes DELETING → DELETED and detaches its input', async () => {
    const { input, channelId } = await idleChannel();

    const deleting = await medialive.send(new DeleteChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(1000);

    expect(deleting.State).toBe('DELETING');
    expect(await state(channelId)).toBe('DELETED');
    expect((await medialive.send(new DescribeInputCommand({ InputId: input.Id }))).State).toBe('DETACHED');
  });

  it('forgets a DELETED channel after a while, in memory and in its state file (deleted channels must not pile up)', async () => {
    const { channelId } = await idleChannel();
    await medialive.send(new DeleteChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(1000);
    expect(await state(channelId)).toBe('DELETED');

    await jest.advanceTimersByTimeAsync(DELETED_RETENTION_SECONDS * 1000);

    await expect(aws('describing', () => medialive.send(new DescribeChannelCommand({ ChannelId: channelId })))).rejects.toBeInstanceOf(NotFound);
    expect(readFileSync(join(dir, 'medialive.json'), 'utf8')).not.toContain(`"${channelId}"`);
  });

  it('after a restart, a channel that was running is IDLE (nothing runs) and keeps its settings', async () => {
    const { channelId } = await idleChannel();
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);
    live.close();

    makeMediaLive();

    expect(await state(channelId)).toBe('IDLE');
    const after = await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }));
    // As Describe answers them: unused destination kinds as empty lists.
    expect(after.Destinations).toEqual(channelRequest('x').Destinations!.map((d) => ({ Settings: [], MediaPackageSettings: [], ...d })));
  });
});

describe('local MediaLive state change events', () => {
  // What MediaLive sends to EventBridge: detail-type "MediaLive Channel State Change", source
  // aws.medialive, the channel in `resources` and `detail.channel_arn`, `state`, `message` and
  // `pipelines_running_count` (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html);
  // created as CREATED, starts and stops per pipeline, a stopped pipeline as STOPPED, not IDLE
  // (as real channels report them: https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-channel.html lists the states).
  const seen = () => events.map((e) => [e.detail.state, e.detail.pipeline, e.detail.pipelines_running_count]);
  /** Lets the events of what already happened reach their target (each is delivered on its own turn, setImmediate). */
  const delivered = () => jest.advanceTimersByTimeAsync(1);

  it('sends one per state change of a channel, as MediaLive sends them, after the call returned', async () => {
    const { channelId } = await idleChannel();
    await delivered();
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    const whenStartReturned = seen();
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);
    await live.settled();
    await delivered();
    await medialive.send(new StopChannelCommand({ ChannelId: channelId }));
    await live.settled();
    await jest.advanceTimersByTimeAsync(1000);
    await delivered();
    await medialive.send(new DeleteChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(1000);
    await delivered();

    expect(whenStartReturned).toEqual([['CREATED', undefined, 0]]);
    expect(seen()).toEqual([
      ['CREATED', undefined, 0],
      ['STARTING', undefined, 0],
      ['RUNNING', '0', 1],
      ['RUNNING', '1', 2],
      ['STOPPING', '0', 0],
      ['STOPPING', '1', 0],
      ['STOPPED', '0', 1],
      ['STOPPED', '1', 0],
      ['DELETING', undefined, 0],
      ['DELETED', undefined, 0],
    ]);
    const arn = `arn:aws:medialive:us-east-1:000000000000:channel:${channelId}`;
    for (const event of events) {
      expect(event).toMatchObject({ version: '0', 'detail-type': 'MediaLive Channel State Change', source: 'aws.medialive', resources: [arn] });
      expect(event.detail.channel_arn).toBe(arn);
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('sends the STOPPED of a stop that nobody asked this API for: MediaLive\'s own StopChannel, as the console calls it', async () => {
    const { channelId } = await idleChannel();
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await jest.advanceTimersByTimeAsync(START_SECONDS * 1000);
    await live.settled();
    await delivered();
    events.length = 0;

    await medialive.send(new StopChannelCommand({ ChannelId: channelId }));
    await live.settled();
    await jest.advanceTimersByTimeAsync(1000);
    await delivered();

    expect(seen().at(-1)).toEqual(['STOPPED', '1', 0]);
    expect(await state(channelId)).toBe('IDLE');
  });
});

describe('local MediaLive ListChannels', () => {
  it('lists every channel as a summary with its tags and state, a page at a time', async () => {
    const input = await anInput();
    await aPackageEndpoint();
    const first = await medialive.send(new CreateChannelCommand(channelRequest(input.Id!, { Tags: { stream_id: 's1', stream_table: 't' } })));
    const other = await anInput();
    const second = await medialive.send(
      new CreateChannelCommand(channelRequest(other.Id!, { InputAttachments: [{ InputId: other.Id!, InputAttachmentName: 'rtmp' }] })),
    );

    const page1 = await medialive.send(new ListChannelsCommand({ MaxResults: 1 }));
    const page2 = await medialive.send(new ListChannelsCommand({ MaxResults: 1, NextToken: page1.NextToken }));

    // The MediaLive API reference documents no order for ListChannels, and channel ids are random: judge
    // the two pages together, one channel on each.
    expect(page1.Channels).toHaveLength(1);
    expect(page2.Channels).toHaveLength(1);
    const listed = [...page1.Channels!, ...page2.Channels!];
    expect(listed.map((c) => c.Id).sort()).toEqual([first.Channel!.Id, second.Channel!.Id].sort());
    expect(listed.find((c) => c.Id === first.Channel!.Id)).toEqual(
      expect.objectContaining({ State: 'CREATING', Tags: { stream_id: 's1', stream_table: 't' } }),
    );
    for (const summary of listed) expect(summary).not.toHaveProperty('EncoderSettings');
    expect(page2.NextToken).toBeUndefined();
  });
});
