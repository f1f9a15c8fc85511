import type * as MediaLive from '@aws-sdk/client-medialive';
import { DescribeChannelCommand, ListChannelsCommand, MediaLiveClient, NotFoundException } from '@aws-sdk/client-medialive';
import { describe, expect, it } from '@jest/globals';
import { aws } from '../../../core/aws/calls';
import { NotFound } from '../../../core/domain/errors';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { NotAvailableLocally, serviceFromHandlers, type CommandHandlers } from '../../../local/service';

function boundClient(handlers: CommandHandlers<typeof MediaLive>) {
  const client = new MediaLiveClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  return bindLocalService(client, serviceFromHandlers<typeof MediaLive>('MediaLive', handlers));
}

describe('bindLocalService', () => {
  it('answers a command with the service output and SDK metadata, without touching the network', async () => {
    // Prepare
    const seen: unknown[] = [];
    const client = boundClient({
      DescribeChannelCommand: (input: { ChannelId?: string }) => {
        seen.push(input);
        return { Id: input.ChannelId, State: 'IDLE' };
      },
    });

    // Act
    const out = await client.send(new DescribeChannelCommand({ ChannelId: '1234567' }));

    // Assess
    expect(seen).toEqual([{ ChannelId: '1234567' }]);
    expect(out).toMatchObject({ Id: '1234567', State: 'IDLE', $metadata: { httpStatusCode: 200, attempts: 1 } });
  });

  it('copies input and output, so neither side can change the other afterwards', async () => {
    const state = { Id: '1', Tags: { a: '1' } };
    const client = boundClient({
      DescribeChannelCommand: (input: { ChannelId?: string }) => {
        input.ChannelId = 'changed by service';
        return state;
      },
    });
    const input = { ChannelId: '1' };

    const out = await client.send(new DescribeChannelCommand(input));
    out.Tags!.a = 'changed by caller';

    expect(input.ChannelId).toBe('1');
    expect(state.Tags.a).toBe('1');
  });

  it("passes the client's own exceptions through, so error translation sees what the cloud sends", async () => {
    const client = boundClient({
      DescribeChannelCommand: () => {
        throw new NotFoundException({ message: 'no channel 9', $metadata: { httpStatusCode: 404 } });
      },
    });

    const failure = aws('describing channel', () => client.send(new DescribeChannelCommand({ ChannelId: '9' })));

    await expect(failure).rejects.toBeInstanceOf(NotFound);
    await expect(failure).rejects.toThrow('describing channel: NotFoundException: no channel 9');
  });

  it('rejects a command the service does not implement as not available locally', async () => {
    const client = boundClient({});

    const failure = client.send(new ListChannelsCommand({}));

    await expect(failure).rejects.toBeInstanceOf(NotAvailableLocally);
    await expect(failure).rejects.toThrow('MediaLive ListChannels is not available locally');
  });
});
