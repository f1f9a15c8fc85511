import { randomBytes } from 'node:crypto';
import { RTMP_HAS_NO_AUDIO_VIDEO, RTMP_STREAM_NOT_FOUND } from '../../core/domain/guards';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../env';

/**
 * A "MediaLive Channel Alert" event's `detail`, as MediaLive sends it to EventBridge:
 * https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-alert.html
 * The local media plane raises these for what MediaLive would alert on (an archive it cannot write,
 * an RTMP input that receives nothing).
 */
export interface ChannelAlertDetail {
  readonly alarm_state: 'SET' | 'CLEARED';
  readonly alarm_id: string;
  readonly alert_type: string;
  /** "0" or "1": MediaLive's pipelines. */
  readonly pipeline: string;
  readonly channel_arn: string;
  readonly message: string;
}

export type ChannelAlertListener = (detail: ChannelAlertDetail) => void;

/** MediaLive's alert when an output cannot be written (the type in AWS's own example). */
export const OUTPUT_WRITE_ALERT = 'Failed to Create Output File or Socket';

/**
 * One alarm of one pipeline: raised once when it starts failing (SET) and once when it works again
 * (CLEARED), as MediaLive does, not once per failed write.
 */
export class PipelineAlarm {
  private alarmId: string | undefined;

  constructor(
    private readonly listener: ChannelAlertListener | undefined,
    private readonly channelId: string,
    private readonly pipeline: number,
    private readonly alertType: string,
  ) {}

  set(message: string): void {
    if (this.alarmId) return;
    this.alarmId = randomBytes(20).toString('hex');
    this.emit('SET', message);
  }

  clear(): void {
    if (!this.alarmId) return;
    this.emit('CLEARED', '');
    this.alarmId = undefined;
  }

  private emit(state: ChannelAlertDetail['alarm_state'], message: string): void {
    this.listener?.({
      alarm_state: state,
      alarm_id: this.alarmId!,
      alert_type: this.alertType,
      pipeline: String(this.pipeline),
      channel_arn: `arn:aws:medialive:${LOCAL_REGION}:${LOCAL_ACCOUNT}:channel:${this.channelId}`,
      message,
    });
  }
}

/**
 * One pipeline's RTMP input alerts, as MediaLive raises them for an RTMP push input
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-alerts-channels.html):
 * "RTMP Stream Not Found" while the running channel's pipeline receives no stream, "RTMP Has No
 * Audio/Video" once the stream it received is gone; both CLEARED when a publisher pushes again. The
 * cost guards read them (tasks/channel-alert.ts), as they read MediaLive's in the cloud.
 */
export class InputAlarms {
  private readonly notFound: PipelineAlarm;
  private readonly gone: PipelineAlarm;

  constructor(listener: ChannelAlertListener | undefined, channelId: string, private readonly pipeline: number) {
    this.notFound = new PipelineAlarm(listener, channelId, pipeline, RTMP_STREAM_NOT_FOUND);
    this.gone = new PipelineAlarm(listener, channelId, pipeline, RTMP_HAS_NO_AUDIO_VIDEO);
  }

  /** The channel runs and nothing publishes to this pipeline's input. */
  nothingReceived(): void {
    this.notFound.set(`RTMP input of pipeline ${this.pipeline}: the stream is not being received`);
  }

  /** The publisher left (for good: after the ingest's grace). */
  publisherLeft(): void {
    this.gone.set(`RTMP input of pipeline ${this.pipeline}: the stream is no longer present`);
  }

  publisherBack(): void {
    this.notFound.clear();
    this.gone.clear();
  }
}
