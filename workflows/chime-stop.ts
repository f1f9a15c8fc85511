import { Duration } from 'aws-cdk-lib';
import { defineWorkflow } from './definition';
import { buildConnectorStop, CONNECTOR_STOP_TASKS, connectorStopStates } from './connector-chains';

export const CHIME_STOP_STATES = connectorStopStates('chime_stop');

/** chime_stop: stops the stream's MediaLive-bound connector, waits for STOPPED, clears `connector`. */
export const chimeStopWorkflow = defineWorkflow({
  action: 'chime_stop',
  description: 'Stops the stream’s Chime connector and waits until its task has stopped.',
  tasks: CONNECTOR_STOP_TASKS,
  timeout: Duration.minutes(10),
  build: (scope, fn) => buildConnectorStop(scope, { action: 'chime_stop', functions: fn }),
});
