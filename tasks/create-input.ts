import { CreateInputCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { DomainError, Invalid } from '../core/domain/errors';
import { aws } from '../core/aws/calls';
import { newStreamKey, requestToken } from '../core/domain/ids';
import { REDACTED } from '../core/domain/redact';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string(), execution_name: z.string() });

type Deps = Pick<Services, 'medialive' | 'store' | 'config'>;

/** The RTMP application of both destinations: publishers push to `rtmp://host:1935/live/{key}`. */
export const RTMP_APP = 'live';

/**
 * Makes the stream's MediaLive RTMP push input: two destinations (one per pipeline), each with its
 * own unguessable key, reachable only from the deployment's input security group. The push URLs
 * (which hold the keys) go straight into the record; the execution state gets the input id only.
 * A stream that already has an input keeps it, and a retry re-sends the same `RequestId`, so
 * MediaLive returns the input the first try made.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ input_id: string }> {
  const existing = await deps.store.mustGet(input.stream_id);
  if (existing.live_input_id) return { input_id: existing.live_input_id };
  const keys = [newStreamKey(), newStreamKey()];
  const out = await withoutKeys(keys, () =>
    aws('creating MediaLive input', () =>
      deps.medialive.send(
        new CreateInputCommand({
          Name: `fm-${input.stream_id}`,
          Type: 'RTMP_PUSH',
          InputSecurityGroups: [requireSetting(deps.config, 'INPUT_SECURITY_GROUP_ID')],
          Destinations: keys.map((key) => ({ StreamName: `${RTMP_APP}/${key}` })),
          RequestId: requestToken(input.execution_name, 'input'),
          Tags: { stream_id: input.stream_id },
        }),
      ),
    ),
  );
  const inputId = out.Input?.Id;
  const urls = (out.Input?.Destinations ?? []).map((d) => d.Url);
  if (!inputId || urls.length !== 2 || !urls.every(Boolean)) {
    throw new Invalid(`MediaLive returned input ${inputId ?? '(no id)'} without two push destinations`);
  }
  await deps.store.mutate(input.stream_id, () => ({ live_input_id: inputId, rtmp1: urls[0], rtmp2: urls[1] }));
  return { input_id: inputId };
}

/**
 * An error that echoes the request (a validation message, say) must not carry a key into the
 * execution history: it is rethrown as a fresh error of the same name (a fresh stack, no cause).
 */
async function withoutKeys<T>(keys: string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const named = err as DomainError;
    const message = keys.reduce((text, key) => text.replaceAll(key, REDACTED), named.message);
    if (message === named.message) throw err;
    throw new (named.constructor as new (message: string) => DomainError)(message);
  }
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient, store: streamStore });
