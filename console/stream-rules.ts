/**
 * Which of a stream's buttons may be pressed, from the same state table the API enforces with a
 * 409 (core/domain/transitions.ts), plus what the record itself says: live or not, a connector or
 * none (one per stream). A disabled button is a request that would only be refused.
 */
import { isAllowed } from '../core/domain/transitions';
import type { StreamRecord } from './types';

export interface StreamButtons {
  start: boolean;
  stop: boolean;
  goLive: boolean;
  takeOffLive: boolean;
  delete: boolean;
  startChime: boolean;
  startIvs: boolean;
  stopConnector: boolean;
}

type RuleFields = Pick<StreamRecord, 'state' | 'live' | 'connector'>;

export function streamButtons(record: RuleFields): StreamButtons {
  const { state, live, connector } = record;
  return {
    start: isAllowed('start', state),
    stop: isAllowed('stop', state),
    goLive: !live && isAllowed('live', state),
    takeOffLive: live && isAllowed('unlive', state),
    delete: isAllowed('delete', state),
    startChime: connector === null && isAllowed('chime_start', state),
    startIvs: connector === null && isAllowed('ivs_start', state),
    // A connector already stopping has been asked once.
    stopConnector: connector !== null && connector.state !== 'stopping',
  };
}

/** The route that stops the stream's connector: each target has its own. */
export function connectorStopAction(record: Pick<StreamRecord, 'connector'>): 'chime_stop' | 'ivs_stop' | undefined {
  if (record.connector === null) return undefined;
  return record.connector.target === 'ivs' ? 'ivs_stop' : 'chime_stop';
}

/**
 * Whether Delete asks to be confirmed: while the stream is starting or running, or live, deleting
 * it ends a broadcast (idle, stopping or failed ones have none to end; the recordings are kept).
 */
export function deleteNeedsConfirmation(record: Pick<StreamRecord, 'state' | 'live'>): boolean {
  return record.live || record.state === 'starting' || record.state === 'running';
}
