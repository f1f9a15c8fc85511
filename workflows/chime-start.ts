import { Duration } from 'aws-cdk-lib';
import { defineWorkflow } from './definition';
import { buildConnectorStart, CONNECTOR_START_TASKS, connectorStartStates } from './connector-chains';

export const CHIME_START_STATES = connectorStartStates('chime_start');

/**
 * chime_start: a connector task opens the Chime meeting (in broadcast mode) and pushes it to the
 * stream's `rtmp1`. Input `{stream_id, chime_url}`.
 */
export const chimeStartWorkflow = defineWorkflow({
  action: 'chime_start',
  description: 'Runs the Chime connector toward the stream’s MediaLive input and waits until it sends frames.',
  tasks: CONNECTOR_START_TASKS,
  // The 10-minute wait for READY, plus the claim, the task start and the compensation on failure.
  timeout: Duration.minutes(15),
  build: (scope, fn) => buildConnectorStart(scope, { action: 'chime_start', functions: fn }),
});
