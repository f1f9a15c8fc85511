import { describe, expect, it } from '@jest/globals';
import { STREAM_STATES, type Connector } from '../../../core/domain/record';
import { isAllowed } from '../../../core/domain/transitions';
import { connectorStopAction, deleteNeedsConfirmation, streamButtons } from '../../../console/stream-rules';

const connector = (target: Connector['target'], state: Connector['state'] = 'running'): Connector => ({
  target,
  state,
  chime_url: 'https://example.com/m?broadcast=true',
  task_id: null,
  started_at: '1700000000',
});

describe('the stream view buttons', () => {
  it('are enabled exactly where the API would accept the action', () => {
    for (const state of STREAM_STATES) {
      const buttons = streamButtons({ state, live: false, connector: null });
      expect(buttons.start).toBe(isAllowed('start', state));
      expect(buttons.stop).toBe(isAllowed('stop', state));
      expect(buttons.delete).toBe(isAllowed('delete', state));
      expect(buttons.goLive).toBe(isAllowed('live', state));
      expect(buttons.takeOffLive).toBe(false);
    }
    expect(streamButtons({ state: 'idle', live: false, connector: null })).toMatchObject({ start: true, stop: false });
    expect(streamButtons({ state: 'running', live: false, connector: null })).toMatchObject({ start: false, stop: true, startChime: true });
    expect(streamButtons({ state: 'creating', live: false, connector: null })).toMatchObject({ delete: false, goLive: false });
  });

  it('offer going live or taking off live by whether the stream is live', () => {
    expect(streamButtons({ state: 'running', live: true, connector: null })).toMatchObject({ goLive: false, takeOffLive: true });
    expect(streamButtons({ state: 'running', live: false, connector: null })).toMatchObject({ goLive: true, takeOffLive: false });
  });

  it('allow one connector per stream, and a stop of the one there is', () => {
    const running = streamButtons({ state: 'running', live: false, connector: connector('medialive') });
    expect(running).toMatchObject({ startChime: false, startIvs: false, stopConnector: true });
    expect(streamButtons({ state: 'idle', live: false, connector: null })).toMatchObject({ startChime: false, startIvs: true, stopConnector: false });
    expect(streamButtons({ state: 'running', live: false, connector: connector('ivs', 'stopping') }).stopConnector).toBe(false);
    expect(connectorStopAction({ connector: connector('medialive') })).toBe('chime_stop');
    expect(connectorStopAction({ connector: connector('ivs') })).toBe('ivs_stop');
    expect(connectorStopAction({ connector: null })).toBeUndefined();
  });
});

describe('Delete', () => {
  it('asks for a confirmation while the stream is starting, running or live: deleting it ends the broadcast', () => {
    const needs = STREAM_STATES.filter((state) => deleteNeedsConfirmation({ state, live: false }));
    expect(needs).toEqual(['starting', 'running']);
    expect(deleteNeedsConfirmation({ state: 'stopping', live: true })).toBe(true);
    expect(deleteNeedsConfirmation({ state: 'idle', live: false })).toBe(false);
  });
});
