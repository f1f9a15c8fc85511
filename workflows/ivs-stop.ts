import { Duration } from 'aws-cdk-lib';
import { defineWorkflow } from './definition';
import { buildConnectorStop, CONNECTOR_STOP_TASKS, connectorStopStates } from './connector-chains';

export const IVS_STOP_STATES = connectorStopStates('ivs_stop');

/**
 * ivs_stop: stops the stream's IVS-bound connector, waits for STOPPED, clears `connector`. The IVS
 * channel stays (with `ivs_viewer_endpoint`/`rtmp_ivs`) for the next `ivs_start`; `delete` removes it.
 */
export const ivsStopWorkflow = defineWorkflow({
  action: 'ivs_stop',
  description: 'Stops the stream’s IVS connector and waits until its task has stopped; the IVS channel is kept.',
  tasks: CONNECTOR_STOP_TASKS,
  timeout: Duration.minutes(10),
  build: (scope, fn) => buildConnectorStop(scope, { action: 'ivs_stop', functions: fn }),
});
