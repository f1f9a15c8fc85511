import { describe, expect, it } from '@jest/globals';
import { loadLocalEnv, localBuckets, localConfig } from '../../../local/env';

describe('local runtime settings', () => {
  it('has a documented default for every setting', () => {
    expect(loadLocalEnv({})).toEqual({
      PORT: 3000,
      RTMP_PORT: 1935,
      MEDIA_PORT: 8080,
      S3_PORT: 4569,
      LOCAL_DATA_DIR: '.local',
      LOCAL_CHANNEL_START_SECONDS: 3,
      LOCAL_SCHEDULE_TIME_SCALE: 1,
      LOCAL_RECONCILE_SECONDS: 300,
    });
  });

  it('sweeps every LOCAL_RECONCILE_SECONDS, a whole number of seconds from 1 to a day, and names a bad one', () => {
    expect(loadLocalEnv({ LOCAL_RECONCILE_SECONDS: '2' }).LOCAL_RECONCILE_SECONDS).toBe(2);
    for (const bad of ['0', '1.5', 'soon', '86401']) {
      expect(() => loadLocalEnv({ LOCAL_RECONCILE_SECONDS: bad })).toThrow(/LOCAL_RECONCILE_SECONDS: /);
    }
  });

  it('reads them from the environment and names every bad one', () => {
    expect(loadLocalEnv({ PORT: '0', LOCAL_CHANNEL_START_SECONDS: '0.5' })).toMatchObject({ PORT: 0, LOCAL_CHANNEL_START_SECONDS: 0.5 });
    expect(() => loadLocalEnv({ PORT: 'http', RTMP_PORT: '70000' })).toThrow(/PORT: .*RTMP_PORT: /);
    // A time scale speeds schedules up for tests; it never slows them down or stops them.
    expect(loadLocalEnv({ LOCAL_SCHEDULE_TIME_SCALE: '0.05' })).toMatchObject({ LOCAL_SCHEDULE_TIME_SCALE: 0.05 });
    for (const bad of ['0', '2']) expect(() => loadLocalEnv({ LOCAL_SCHEDULE_TIME_SCALE: bad })).toThrow(/LOCAL_SCHEDULE_TIME_SCALE/);
  });

  it("points the cloud's Config at the local stand-ins, keeping the operator's bucket names", () => {
    const env = { ARCHIVE_BUCKET: 'my-archive', TABLE_NAME: 'not-this-one' };

    const config = localConfig(env, { mediaPort: 8081, stateMachineArns: { stop: 'arn:stop' } });

    expect(config).toMatchObject({
      ARCHIVE_BUCKET: 'my-archive',
      WORKSHOP_OUTPUT_BUCKET: 'fem-workshops-out',
      TABLE_NAME: 'fmls-streams',
      LIVE_BASE_URL: 'http://127.0.0.1:8081',
      SPEKE_URL: 'http://127.0.0.1:8081/speke',
      STATE_MACHINE_ARNS: { stop: 'arn:stop' },
      IVS_INGEST_SCHEME: 'rtmp',
    });
    expect(localBuckets(env)).toEqual(['my-archive', 'fem-workshops-out']);
  });

  it('makes split downloads plain GETs on the local S3, and names the split progress table', () => {
    const config = localConfig({}, { mediaPort: 8081, stateMachineArns: {}, s3Endpoint: 'http://127.0.0.1:4570' });

    expect(config).toMatchObject({ PLAIN_DOWNLOAD_BASE_URL: 'http://127.0.0.1:4570', SPLIT_PROGRESS_TABLE_NAME: 'fmls-split-progress' });
    // Without the local S3's endpoint (a bench that serves no downloads) the setting stays unset.
    expect(localConfig({}, { mediaPort: 8081, stateMachineArns: {} }).PLAIN_DOWNLOAD_BASE_URL).toBeUndefined();
  });
});
