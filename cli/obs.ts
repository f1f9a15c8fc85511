/**
 * OBS's "Custom" service takes an RTMP push URL in two fields: Server (`rtmp://HOST:PORT/APP`, the
 * URL up to its last `/`) and Stream Key (the rest). The record's `rtmp1`/`rtmp2` are whole URLs.
 */
export interface ObsSettings {
  server: string;
  stream_key: string;
}

export function obsSettings(rtmpUrl: string): ObsSettings {
  const at = rtmpUrl.lastIndexOf('/');
  return { server: rtmpUrl.slice(0, at), stream_key: rtmpUrl.slice(at + 1) };
}
