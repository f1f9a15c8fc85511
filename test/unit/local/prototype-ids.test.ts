import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
import { DescribeChannelCommand, DescribeInputCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { CreateOriginEndpointCommand, DeleteChannelCommand, DescribeOriginEndpointCommand, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LOCAL_ACCOUNT } from '../../../local/env';
import { LocalIvs } from '../../../local/ivs';
import { LocalMediaLive } from '../../../local/medialive';
import { LocalMediaPackage } from '../../../local/mediapackage';
import { RecordingMediaPlane } from './fakes';

/**
 * The local services keep their resources in plain objects keyed by id: an id that names a
 * property of every object (`constructor`, `__proto__`, …) must be as unknown as any other, a
 * NotFound, not the inherited function or a 500.
 */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const region = 'us-east-1';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'prototype-ids-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each(PROTOTYPE_NAMES)('the id %j', (id) => {
  it('is an unknown MediaPackage channel and origin endpoint', async () => {
    const local = new LocalMediaPackage({ mediaPort: 8089, stateFile: join(dir, 'mediapackage.json') });
    const client = bindLocalService(new MediaPackageClient({ region, credentials: LOCAL_CREDENTIALS }), local.service);

    await expect(client.send(new DescribeOriginEndpointCommand({ Id: id }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(client.send(new DeleteChannelCommand({ Id: id }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(client.send(new CreateOriginEndpointCommand({ ChannelId: id, Id: 'ep' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('is an unknown MediaLive channel and input', async () => {
    const packages = new LocalMediaPackage({ mediaPort: 8089, stateFile: join(dir, 'mediapackage.json') });
    const live = new LocalMediaLive({
      rtmpPort: 1935,
      mediaPlane: new RecordingMediaPlane(),
      packages,
      inputSecurityGroups: { '1000000': ['127.0.0.1/32'] },
      startSeconds: 1,
      transitionSeconds: 1,
      stateFile: join(dir, 'medialive.json'),
    });
    const client = bindLocalService(new MediaLiveClient({ region, credentials: LOCAL_CREDENTIALS }), live.service);

    await expect(client.send(new DescribeChannelCommand({ ChannelId: id }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(client.send(new DescribeInputCommand({ InputId: id }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('is an unknown IVS channel', async () => {
    const local = new LocalIvs({ rtmpPort: 1935, mediaPort: 8080, mediaPlane: new RecordingMediaPlane() });
    const client = bindLocalService(new IvsClient({ region, credentials: LOCAL_CREDENTIALS }), local.service);

    await expect(client.send(new GetChannelCommand({ arn: `arn:aws:ivs:${region}:${LOCAL_ACCOUNT}:channel/${id}` }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
