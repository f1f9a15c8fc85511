import { BadRequestException, CreateInputCommand, MediaLiveClient, TooManyRequestsException } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { Invalid, Throttled } from '../../../core/domain/errors';
import { requestToken } from '../../../core/domain/ids';
import { run } from '../../../tasks/create-input';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const medialive = mockClient(MediaLiveClient);
const config = loadConfig({ INPUT_SECURITY_GROUP_ID: 'sg-123' });
const store = useStreamStore();
const deps = () => ({ medialive: medialive as unknown as MediaLiveClient, store: store(), config });
const EXECUTION = 'create-0123456789abcdef0123456789abcdef-v1';

/** Answers CreateInput as MediaLive does: one push URL per destination, from the stream names sent. */
function answerLikeMediaLive() {
  medialive.on(CreateInputCommand).callsFake((input: { Destinations: { StreamName: string }[] }) => ({
    Input: {
      Id: 'in-1',
      Destinations: input.Destinations.map((d, i) => ({ Url: `rtmp://198.51.100.${i + 1}:1935/${d.StreamName}` })),
    },
  }));
}

beforeEach(() => { medialive.reset(); });

describe('create-input', () => {
  it('makes an RTMP push input with two keyed destinations in the input security group, with an idempotency token', async () => {
    // Prepare
    const stream = await aStream(store());
    answerLikeMediaLive();

    // Act
    await run({ stream_id: stream.id, execution_name: EXECUTION }, deps());

    // Assess
    expect(medialive).toHaveReceivedCommandWith(CreateInputCommand, {
      Type: 'RTMP_PUSH',
      InputSecurityGroups: ['sg-123'],
      RequestId: requestToken(EXECUTION, 'input'),
      Name: `fm-${stream.id}`,
    });
    const request = medialive.commandCalls(CreateInputCommand)[0].args[0].input;
    const names = request.Destinations!.map((d) => d.StreamName!);
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^live\/[A-Za-z0-9_-]{24}$/);
    expect(names[0]).not.toBe(names[1]);
  });

  it('writes the push URLs and the input id to the record and returns only the id', async () => {
    const stream = await aStream(store());
    answerLikeMediaLive();

    const out = await run({ stream_id: stream.id, execution_name: EXECUTION }, deps());

    expect(out).toEqual({ input_id: 'in-1' });
    const names = medialive.commandCalls(CreateInputCommand)[0].args[0].input.Destinations!.map((d) => d.StreamName);
    const stored = await store().mustGet(stream.id);
    expect(stored).toMatchObject({
      live_input_id: 'in-1',
      rtmp1: `rtmp://198.51.100.1:1935/${names[0]}`,
      rtmp2: `rtmp://198.51.100.2:1935/${names[1]}`,
    });
  });

  it('keeps the input a stream already has (a retry after the record was written)', async () => {
    const stream = await aStream(store(), { live_input_id: 'in-0', rtmp1: 'rtmp://h:1935/live/a', rtmp2: 'rtmp://h:1935/live/b' });

    const out = await run({ stream_id: stream.id, execution_name: EXECUTION }, deps());

    expect(out).toEqual({ input_id: 'in-0' });
    expect(medialive).not.toHaveReceivedCommand(CreateInputCommand);
  });

  it('sends the same RequestId on every try of the same execution, so MediaLive makes one input', async () => {
    const first = await aStream(store());
    const second = await aStream(store());
    answerLikeMediaLive();

    await run({ stream_id: first.id, execution_name: EXECUTION }, deps());
    await run({ stream_id: second.id, execution_name: EXECUTION }, deps());

    const tokens = medialive.commandCalls(CreateInputCommand).map((c) => c.args[0].input.RequestId);
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('translates throttling into Throttled, which the workflow retries', async () => {
    const stream = await aStream(store());
    medialive.on(CreateInputCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));

    await expect(run({ stream_id: stream.id, execution_name: EXECUTION }, deps())).rejects.toBeInstanceOf(Throttled);
    expect((await store().mustGet(stream.id)).live_input_id).toBe('');
  });

  it('never lets a stream key out in an error that echoes the request', async () => {
    const stream = await aStream(store());
    medialive.on(CreateInputCommand).callsFake((input: { Destinations: { StreamName: string }[] }) => {
      throw new BadRequestException({ message: `invalid stream name ${input.Destinations[0].StreamName}`, $metadata: { httpStatusCode: 400 } });
    });

    const error = await run({ stream_id: stream.id, execution_name: EXECUTION }, deps()).catch((e: Error) => e);

    const key = medialive.commandCalls(CreateInputCommand)[0].args[0].input.Destinations![0].StreamName!.split('/')[1];
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Error).message).toBe('creating MediaLive input: BadRequestException: invalid stream name live/***');
    expect((error as Error).stack).not.toContain(key);
  });

  it('fails as Invalid if MediaLive answers without two push destinations', async () => {
    const stream = await aStream(store());
    medialive.on(CreateInputCommand).resolves({ Input: { Id: 'in-1', Destinations: [{ Url: 'rtmp://h:1935/live/k' }] } });

    await expect(run({ stream_id: stream.id, execution_name: EXECUTION }, deps())).rejects.toBeInstanceOf(Invalid);
    expect((await store().mustGet(stream.id)).live_input_id).toBe('');
  });

  it('refuses to run without the deployment input security group', async () => {
    const stream = await aStream(store());

    await expect(
      run({ stream_id: stream.id, execution_name: EXECUTION }, { ...deps(), config: loadConfig({}) }),
    ).rejects.toThrow('INPUT_SECURITY_GROUP_ID');
    expect(medialive).not.toHaveReceivedCommand(CreateInputCommand);
  });
});
