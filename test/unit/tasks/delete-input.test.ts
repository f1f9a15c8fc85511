import {
  ConflictException,
  DeleteInputCommand,
  DescribeInputCommand,
  MediaLiveClient,
  NotFoundException,
} from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Conflict } from '../../../core/domain/errors';
import { run } from '../../../tasks/delete-input';

const medialive = mockClient(MediaLiveClient);
const deps = { medialive: medialive as unknown as MediaLiveClient };
const notFound = () => new NotFoundException({ message: 'no such input', $metadata: { httpStatusCode: 404 } });

beforeEach(() => { medialive.reset(); });

describe('delete-input', () => {
  it('deletes a detached input', async () => {
    // Prepare
    medialive.on(DescribeInputCommand).resolves({ State: 'DETACHED' });
    medialive.on(DeleteInputCommand).resolves({});

    // Act
    const out = await run({ input_id: 'in-1' }, deps);

    // Assess
    expect(out).toEqual({ requested: true });
    expect(medialive).toHaveReceivedCommandWith(DeleteInputCommand, { InputId: 'in-1' });
  });

  it('asks the workflow to retry while a channel still holds the input', async () => {
    medialive.on(DescribeInputCommand).resolves({ State: 'ATTACHED' });

    await expect(run({ input_id: 'in-1' }, deps)).rejects.toBeInstanceOf(Conflict);
    expect(medialive).not.toHaveReceivedCommand(DeleteInputCommand);
  });

  it('passes on MediaLive refusing the delete (attached meanwhile) as a Conflict', async () => {
    medialive.on(DescribeInputCommand).resolves({ State: 'DETACHED' });
    medialive.on(DeleteInputCommand).rejects(new ConflictException({ message: 'input is attached', $metadata: { httpStatusCode: 409 } }));

    await expect(run({ input_id: 'in-1' }, deps)).rejects.toBeInstanceOf(Conflict);
  });

  it.each(['DELETING', 'DELETED'])('does nothing for an input already %s', async (state) => {
    medialive.on(DescribeInputCommand).resolves({ State: state as never });

    expect(await run({ input_id: 'in-1' }, deps)).toEqual({ requested: false });
    expect(medialive).not.toHaveReceivedCommand(DeleteInputCommand);
  });

  it('counts an input that is gone as deleted', async () => {
    medialive.on(DescribeInputCommand).rejectsOnce(notFound()).resolves({ State: 'DETACHED' });
    medialive.on(DeleteInputCommand).rejects(notFound());

    expect(await run({ input_id: 'in-1' }, deps)).toEqual({ requested: false });
    expect(await run({ input_id: 'in-1' }, deps)).toEqual({ requested: false });
  });

  it('has nothing to do for a stream that never got an input', async () => {
    expect(await run({ input_id: '' }, deps)).toEqual({ requested: false });
    expect(medialive).not.toHaveReceivedAnyCommand();
  });
});
