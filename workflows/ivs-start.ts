import { Duration } from 'aws-cdk-lib';
import { defineWorkflow } from './definition';
import { buildConnectorStart, CONNECTOR_START_TASKS, connectorStartStates } from './connector-chains';
import { invoke } from './steps';

export const IVS_START_STATES = { ...connectorStartStates('ivs_start'), ensureChannel: 'Ensure IVS channel' } as const;

/**
 * ivs_start: makes the stream's IVS channel once (kept for reuse), sets `ivs_viewer_endpoint` and
 * `rtmp_ivs`, then runs the connector toward the IVS ingest as `chime_start` does toward MediaLive.
 * The channel comes first so that the record shows both URLs within seconds, while the task boots.
 */
export const ivsStartWorkflow = defineWorkflow({
  action: 'ivs_start',
  description: 'Ensures the stream’s IVS channel, runs the Chime connector toward it and waits until it sends frames.',
  tasks: [...CONNECTOR_START_TASKS, 'ensure-ivs-channel'],
  timeout: Duration.minutes(15),
  build(scope, fn) {
    const ensureChannel = invoke(scope, IVS_START_STATES.ensureChannel, fn['ensure-ivs-channel'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: '$.ivs',
    });
    return buildConnectorStart(scope, { action: 'ivs_start', functions: fn, prepare: ensureChannel });
  },
});
