import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Errors, JsonPath, type IChainable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { CHANNEL_WATCH, invoke, pollLoop, pollStateNames, type CatchingState } from './steps';

/** The task files a teardown invokes. */
export const TEARDOWN_TASKS = [
  'delete-channel',
  'describe-channel',
  'delete-origin-endpoint',
  'delete-package-channel',
  'delete-input',
] as const;
export type TeardownTask = (typeof TEARDOWN_TASKS)[number];

/** The resources of a stream, in the order a teardown deletes them. */
export type TeardownStep = 'channel' | 'endpoint' | 'packageChannel' | 'input';

/** What the teardown's poll loop waits for once the channel delete is asked. */
const CHANNEL_GONE = 'channel DELETED';

export interface TeardownNames {
  /** The Task state that deletes the MediaLive channel. */
  readonly deleteChannel: string;
  /** The Describe task of the wait for the deleted channel to be gone. */
  readonly describeChannel: string;
  /** The names of the poll loop waiting for the channel to be gone (see {@link pollStateNames}). */
  readonly poll: ReturnType<typeof pollStateNames>;
  /** The Task state that deletes the HLS origin endpoint. */
  readonly deleteEndpoint: string;
  /** The Task state that deletes the MediaPackage channel. */
  readonly deletePackageChannel: string;
  /** The Task state that deletes the MediaLive input. */
  readonly deleteInput: string;
}

/** The state names of a teardown whose task states start with `prefix` (`''`, or `'Clean up: '`). */
export function teardownNames(prefix: string, describeChannel: string): TeardownNames {
  return {
    deleteChannel: `${prefix}Delete MediaLive channel`,
    describeChannel,
    poll: pollStateNames(CHANNEL_GONE),
    deleteEndpoint: `${prefix}Delete HLS origin endpoint`,
    deletePackageChannel: `${prefix}Delete MediaPackage channel`,
    deleteInput: `${prefix}Delete MediaLive input`,
  };
}

export interface TeardownOptions {
  /** The names of the teardown's states (the poll loop's are derived, see {@link teardownNames}). */
  readonly names: Omit<TeardownNames, 'poll'>;
  /** JSONPaths of the ids to delete; an id may be `''` (never made) except the channel's, whose entry needs a channel. */
  readonly ids: Readonly<Record<TeardownStep, string>>;
  /** Where the teardown goes once the input is deleted. */
  readonly next: IChainable;
  /**
   * Where a step's failure goes, given the step that would follow it, and where it is recorded:
   * the delete workflow stops and records it; a compensation records it aside and carries on.
   */
  onStepFailure(step: TeardownStep, following: IChainable): { handler: IChainable; resultPath: string };
  /** Seconds to wait for a deleted channel to be gone before its step fails. */
  readonly channelDeadlineSeconds: number;
}

/** Entry points into the teardown: each deletes its resource and everything after it. */
export type Teardown = Record<TeardownStep, State>;

/**
 * Deletes a stream's media resources, each delete treating NotFound as done: the MediaLive
 * channel first (waiting until it is gone, since the input and MediaPackage channel can't go while
 * it holds them), then the HLS endpoint and the MediaPackage channel (endpoint first: MediaPackage
 * refuses to delete a channel that has one), then the input last, which gives MediaLive time to
 * release its attachment to the deleted channel (a delete before that is a Conflict, retried).
 * Used by the delete workflow and by create's compensation, which enters at the first thing made.
 */
export function teardown(scope: Construct, fn: Readonly<Record<TeardownTask, IFunction>>, options: TeardownOptions): Teardown {
  const { names, ids } = options;
  const onFailure = (step: TeardownStep, tasks: readonly CatchingState[], following: IChainable) => {
    const { handler, resultPath } = options.onStepFailure(step, following);
    for (const task of tasks) task.addCatch(handler, { errors: [Errors.ALL], resultPath });
    return { handler, resultPath };
  };

  const input = invoke(scope, names.deleteInput, fn['delete-input'], {
    payload: { 'input_id.$': ids.input },
    resultPath: JsonPath.DISCARD,
  });
  input.next(options.next);
  onFailure('input', [input], options.next);

  const packageChannel = invoke(scope, names.deletePackageChannel, fn['delete-package-channel'], {
    payload: { 'package_channel_id.$': ids.packageChannel },
    resultPath: JsonPath.DISCARD,
  });
  packageChannel.next(input);
  onFailure('packageChannel', [packageChannel], input);

  const endpoint = invoke(scope, names.deleteEndpoint, fn['delete-origin-endpoint'], {
    payload: { 'endpoint_id.$': ids.endpoint },
    resultPath: JsonPath.DISCARD,
  });
  endpoint.next(packageChannel);
  onFailure('endpoint', [endpoint], packageChannel);

  const channel = invoke(scope, names.deleteChannel, fn['delete-channel'], {
    payload: { 'channel_id.$': ids.channel },
    resultPath: JsonPath.DISCARD,
  });
  const describe = invoke(scope, names.describeChannel, fn['describe-channel'], {
    payload: { 'channel_id.$': ids.channel, 'poll.$': '$.poll' },
    resultPath: '$.poll',
  });
  const channelFailure = onFailure('channel', [channel, describe], endpoint);
  channel.next(
    pollLoop(scope, {
      waitingFor: CHANNEL_GONE,
      describe,
      done: ['DELETED'],
      next: endpoint,
      onFailure: channelFailure.handler,
      failurePath: channelFailure.resultPath,
      deadlineSeconds: options.channelDeadlineSeconds,
      ...CHANNEL_WATCH,
    }),
  );

  return { channel, endpoint, packageChannel, input };
}
