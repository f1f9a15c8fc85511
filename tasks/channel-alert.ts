import * as z from '../core/domain/zod';
import { parseArchivePath } from '../core/domain/archive-path';
import { epochString } from '../core/domain/clock';
import { isInputLossAlert } from '../core/domain/guards';
import { noteInputAlert } from '../core/aws/guards';
import { logger } from '../core/lambda/logger';
import type { StreamItem } from '../core/domain/record';
import { redactText } from '../core/domain/redact';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { schedulerClient } from '../core/aws/clients/scheduler';
import { streamStore } from '../core/aws/clients/store';

/**
 * The `detail` of an EventBridge "MediaLive Channel Alert" event (the fields we read), e.g.
 * `{ alarm_state: "SET", alert_type: "Failed to Create Output File or Socket", pipeline: "0",
 * channel_arn: "arn:aws:medialive:…:channel:123456", message: "… unable to open output or stream
 * [https://<path>]." }` — https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-alert.html
 */
export const Input = z.object({
  alarm_state: z.string(),
  alert_type: z.string(),
  pipeline: z.optional(z.string()),
  channel_arn: z.string(),
  message: z._default(z.string(), ''),
});

type Deps = Pick<Services, 'store' | 'now' | 'scheduler' | 'config'>;

const MAX_MESSAGE = 1024;

/** Does the alert name the session's archive destination (`bucket/prefix`, whatever the URL scheme)? */
function aboutArchive(item: StreamItem, message: string): boolean {
  const path = item.current_session_id ? item.archives_path[item.current_session_id] : undefined;
  if (!path) return false;
  const { bucket, prefix } = parseArchivePath(path);
  return message.includes(`${bucket}/${prefix}`);
}

/**
 * The watcher of channel alerts: MediaLive raises one (EventBridge in the cloud, the local media
 * plane locally) when, e.g., it cannot write the archive. The stream fed by the channel gets it as
 * `last_error` (action `archive` when the alert names the session's archive, else `channel`) and
 * an error-level log line, so a recording that is being lost is never silent. The stream keeps
 * running: MediaLive keeps trying, and the next segment may be written. A CLEARED alert changes
 * nothing: the error already happened and what was lost stays lost.
 *
 * An input-loss alert (`INPUT_LOSS_ALERTS`: nothing arrives on a pipeline's RTMP input) is no
 * error: SET and CLEARED both go to the cost guards (`noteInputAlert`, core/aws/guards.ts), which
 * keep `input_connected` and the idle guard in step with it.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ recorded: boolean }> {
  const inputLoss = isInputLossAlert(input.alert_type);
  if (input.alarm_state !== 'SET' && !inputLoss) return { recorded: false };
  const channelId = input.channel_arn.slice(input.channel_arn.lastIndexOf(':') + 1);
  // Alerts are rare; a scan finds the one stream whose channel this is (the table has no index on it).
  const stream = (await deps.store.list()).find((s) => s.live_channel_id === channelId);
  if (!stream) return { recorded: false };
  if (inputLoss) {
    const alert = { alarm_state: input.alarm_state, alert_type: input.alert_type, pipeline: input.pipeline ?? '0' };
    const outcome = await noteInputAlert(deps, { streamId: stream.id, channelId, alert });
    logger.info('MediaLive input alert', { streamId: stream.id, alertType: input.alert_type, alarmState: input.alarm_state, pipeline: input.pipeline, outcome });
    return { recorded: outcome !== 'ignored' };
  }
  const message = redactText(input.message);
  let action: string | undefined;
  await deps.store.mutate(stream.id, (item) => {
    action = undefined;
    if (item.live_channel_id !== channelId || item.state === 'deleting') return undefined;
    action = aboutArchive(item, message) ? 'archive' : 'channel';
    return {
      last_error: {
        action,
        message: `MediaLive alert on pipeline ${input.pipeline ?? '?'}: ${input.alert_type}: ${message}`.slice(0, MAX_MESSAGE),
        at: epochString(deps.now()),
        execution_id: null,
      },
    };
  });
  if (action === undefined) return { recorded: false };
  logger.error('MediaLive channel alert', { streamId: stream.id, action, alertType: input.alert_type, pipeline: input.pipeline, message });
  return { recorded: true };
}

export const handler = taskHandler(Input, run, { scheduler: schedulerClient, store: streamStore });
