/**
 * IVS naming and URLs, shared by the tasks that make and delete a stream's channel: one channel
 * per stream, found again by its name if the record never learned its ARN (a crash between
 * CreateChannel and the record write), so a retry adopts it instead of making a second one.
 */
export function ivsChannelName(streamId: string): string {
  return `fm-${streamId}`;
}

/**
 * The RTMP(S) push URL of an IVS channel: `rtmps://{ingest}:443/app/{key}` as IVS documents it.
 * An ingest endpoint that carries its own port (the local runtime's `127.0.0.1:1935`) keeps it.
 */
export function ivsIngestUrl(scheme: 'rtmps' | 'rtmp', ingestEndpoint: string, streamKey: string): string {
  const host = /:\d+$/.test(ingestEndpoint) ? ingestEndpoint : `${ingestEndpoint}:${scheme === 'rtmps' ? 443 : 1935}`;
  return `${scheme}://${host}/app/${streamKey}`;
}
