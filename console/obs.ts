/**
 * OBS's two fields from an RTMP push URL (`rtmp://HOST:PORT/APP/KEY`): "Server" is everything up
 * to the last `/`, "Stream key" the rest, as the record's `rtmp1` is documented.
 */
export interface ObsSettings {
  server: string;
  streamKey: string;
}

export function obsSettings(rtmpUrl: string): ObsSettings | undefined {
  const at = rtmpUrl.lastIndexOf('/');
  // `rtmp://` alone, or a URL ending in `/`, has no key: a stream still being created.
  if (at < 0 || at === rtmpUrl.length - 1 || at <= rtmpUrl.indexOf('//') + 1) return undefined;
  return { server: rtmpUrl.slice(0, at), streamKey: rtmpUrl.slice(at + 1) };
}
