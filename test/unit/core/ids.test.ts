import { describe, expect, it } from '@jest/globals';
import { HEX_ID_PATTERN, executionName, newHexId, requestToken, parseExecutionName } from '../../../core/domain/ids';

describe('ids', () => {
  it('makes 32-hex ids', () => {
    expect(newHexId()).toMatch(HEX_ID_PATTERN);
    expect(newHexId()).not.toBe(newHexId());
  });

  it('names executions deterministically within 80 chars and reads the stream back', () => {
    const id = newHexId();
    const name = executionName('chime_start', id, 'v12');
    expect(name).toBe(`chime_start-${id}-v12`);
    expect(executionName('chime_start', id, 'v12')).toBe(name);
    expect(parseExecutionName(name)).toEqual({ action: 'chime_start', streamId: id });
    expect(parseExecutionName('0b3c6c36-1f7e-4a43-9a53-5e0ff8c8d3c1')).toBeUndefined();
    expect(() => executionName('start', id, 'x'.repeat(60))).toThrow(RangeError);
  });

  it('derives stable, step-specific request tokens short enough for ECS startedBy', () => {
    const a = requestToken('start-abc-v2', 'channel');
    expect(a).toBe(requestToken('start-abc-v2', 'channel'));
    expect(a).not.toBe(requestToken('start-abc-v2', 'input'));
    expect(a.length).toBeLessThanOrEqual(36);
  });
});
