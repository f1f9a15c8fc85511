import { DescribeOriginEndpointCommand, UpdateOriginEndpointCommand, type HlsEncryption } from '@aws-sdk/client-mediapackage';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { aws } from '../core/aws/calls';
import { Invalid } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaPackageClient } from '../core/aws/clients/mediapackage';

export const Input = z.object({
  endpoint_id: z.string().check(z.minLength(1)),
  startover_window_seconds: z.number().check(z.int(), z.gte(0)),
  /** Seconds between key rotations; 0 = one key for the whole stream. */
  key_rotation_interval: z.number().check(z.int(), z.gte(0)),
});

type Deps = Pick<Services, 'mediapackage' | 'config'>;

/**
 * The SPEKE system id MediaPackage uses for HLS AES-128 ("clear key") encryption: the key server
 * hands out the keys, players fetch them from the `EXT-X-KEY` URI.
 */
export const HLS_AES_128_SYSTEM_ID = '81376844-f976-481e-a84e-cc25d39b0b33';

/**
 * Applies the start's options to the HLS origin endpoint: the startover window, and — when the
 * deployment has a SPEKE key server (`SPEKE_URL`) — AES-128 encryption whose keys rotate every
 * `key_rotation_interval` seconds (MediaPackage v1 rotates keys only through SPEKE). Without one the
 * stream is served clear and the output says so (`encryption: 'none'`), so the execution history
 * shows why `key_rotation_interval` had no effect. The endpoint's other settings are sent back as read.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps) {
  const endpoint = await aws('describing MediaPackage origin endpoint', () =>
    deps.mediapackage.send(new DescribeOriginEndpointCommand({ Id: input.endpoint_id })),
  );
  if (!endpoint.HlsPackage) throw new Invalid(`MediaPackage origin endpoint ${input.endpoint_id} is not an HLS endpoint`);

  const spekeUrl = deps.config.SPEKE_URL;
  const encryption: HlsEncryption | undefined = spekeUrl
    ? {
        EncryptionMethod: 'AES_128',
        KeyRotationIntervalSeconds: input.key_rotation_interval,
        SpekeKeyProvider: {
          Url: spekeUrl,
          RoleArn: requireSetting(deps.config, 'SPEKE_ROLE_ARN'),
          ResourceId: input.endpoint_id,
          SystemIds: [HLS_AES_128_SYSTEM_ID],
        },
      }
    : undefined;

  await aws('updating MediaPackage origin endpoint', () =>
    deps.mediapackage.send(
      new UpdateOriginEndpointCommand({
        Id: input.endpoint_id,
        Authorization: endpoint.Authorization,
        Description: endpoint.Description,
        ManifestName: endpoint.ManifestName,
        Origination: endpoint.Origination,
        TimeDelaySeconds: endpoint.TimeDelaySeconds,
        Whitelist: endpoint.Whitelist,
        StartoverWindowSeconds: input.startover_window_seconds,
        HlsPackage: { ...endpoint.HlsPackage, Encryption: encryption },
      }),
    ),
  );
  return {
    endpoint_id: input.endpoint_id,
    startover_window_seconds: input.startover_window_seconds,
    encryption: encryption ? ('speke' as const) : ('none' as const),
    key_rotation_interval_seconds: encryption ? input.key_rotation_interval : null,
  };
}

export const handler = taskHandler(Input, run, { mediapackage: mediaPackageClient });
