import type { ChannelMedia, MediaPlane } from '../../../local/media-plane-contract';

/** A media plane that only records what the control plane asked of it. */
export class RecordingMediaPlane implements MediaPlane {
  readonly started: ChannelMedia[] = [];
  readonly stopped: string[] = [];
  readonly removedEndpoints: string[] = [];
  closed = false;
  /** Set to make the next startChannel fail. */
  failNextStart: Error | undefined;

  async startChannel(channel: ChannelMedia): Promise<void> {
    if (this.failNextStart) {
      const err = this.failNextStart;
      this.failNextStart = undefined;
      throw err;
    }
    this.started.push(channel);
  }

  async stopChannel(channelId: string): Promise<void> {
    this.stopped.push(channelId);
  }

  async removeEndpoint(endpointId: string): Promise<void> {
    this.removedEndpoints.push(endpointId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
