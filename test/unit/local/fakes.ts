import type { ChannelMedia, MediaPlane } from '../../../local/media-plane-contract';

/** A media plane that only records what the control plane asked of it. */
export class RecordingMediaPlane implements MediaPlane {
  readonly started: ChannelMedia[] = [];
  readonly stopped: string[] = [];
  readonly removedEndpoints: string[] = [];
  closed = false;
  /** Set to make the next startChannel fail. */
  failNextStart: Error | undefined;

  startChannel(channel: ChannelMedia): Promise<void> {
    if (this.failNextStart) {
      const err = this.failNextStart;
      this.failNextStart = undefined;
      return Promise.reject(err);
    }
    this.started.push(channel);
    return Promise.resolve();
  }

  stopChannel(channelId: string): Promise<void> {
    this.stopped.push(channelId);
    return Promise.resolve();
  }

  removeEndpoint(endpointId: string): Promise<void> {
    this.removedEndpoints.push(endpointId);
    return Promise.resolve();
  }

  /** Channels someone publishes to: a test adds one to stand for a publisher, disconnectPublishers removes it. */
  readonly publishing = new Set<string>();
  readonly disconnected: string[] = [];

  isPublishing(channelId: string): boolean {
    return this.publishing.has(channelId);
  }

  disconnectPublishers(channelId: string): void {
    this.disconnected.push(channelId);
    this.publishing.delete(channelId);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
