import { CreateChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { channelRequest } from '../core/domain/encoder-settings';
import { aws } from '../core/aws/calls';
import { Invalid } from '../core/domain/errors';
import { requestToken } from '../core/domain/ids';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  execution_name: z.string(),
  input_id: z.string().check(z.minLength(1)),
  package_channel_id: z.string().check(z.minLength(1)),
  segment_length: z.number().check(z.int(), z.positive()),
});

type Deps = Pick<Services, 'medialive' | 'store' | 'config'>;

/**
 * Makes the stream's MediaLive channel (see `core/domain/encoder-settings.ts` for what it encodes) and
 * records its id at once, so whatever happens next, the record references it. A stream that
 * already has a channel keeps it, and a retry re-sends the same `RequestId`, so MediaLive returns
 * the channel the first try made instead of a second one.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ channel_id: string }> {
  const existing = await deps.store.mustGet(input.stream_id);
  if (existing.live_channel_id) return { channel_id: existing.live_channel_id };
  const request = channelRequest({
    streamId: input.stream_id,
    inputId: input.input_id,
    packageChannelId: input.package_channel_id,
    segmentLength: input.segment_length,
    archiveBucket: deps.config.ARCHIVE_BUCKET,
    roleArn: requireSetting(deps.config, 'MEDIALIVE_ROLE_ARN'),
    requestId: requestToken(input.execution_name, 'channel'),
    streamTable: requireSetting(deps.config, 'TABLE_NAME'),
  });
  const out = await aws('creating MediaLive channel', () => deps.medialive.send(new CreateChannelCommand(request)));
  const channelId = out.Channel?.Id;
  if (!channelId) throw new Invalid('MediaLive returned no channel id');
  await deps.store.mutate(input.stream_id, () => ({ live_channel_id: channelId }));
  return { channel_id: channelId };
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient, store: streamStore });
