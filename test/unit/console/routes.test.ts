import { describe, expect, it } from '@jest/globals';
import { hrefOf, parseRoute } from '../../../console/routes';

const ID = '0123456789abcdef0123456789abcdef';
const ARN = `arn:aws:states:us-east-1:000000000000:execution:fmls-start:start-${ID}-abc`;

describe('console routes', () => {
  it('reads the four routes of the console', () => {
    expect(parseRoute('')).toEqual({ view: 'streams' });
    expect(parseRoute('#/')).toEqual({ view: 'streams' });
    expect(parseRoute(`#/streams/${ID}`)).toEqual({ view: 'stream', id: ID });
    expect(parseRoute(`#/streams/${ID}/recordings/s1`)).toEqual({ view: 'recording', id: ID, sessionId: 's1' });
    expect(parseRoute(`#/streams/${ID}/executions/x`)).toEqual({ view: 'execution', id: ID, executionId: 'x' });
  });

  it('builds links that read back to the same route, an ARN full of colons included', () => {
    for (const route of [
      { view: 'streams' },
      { view: 'stream', id: ID },
      { view: 'recording', id: ID, sessionId: 'a/b c' },
      { view: 'execution', id: ID, executionId: ARN },
    ] as const) {
      expect(parseRoute(hrefOf(route))).toEqual(route);
    }
    expect(hrefOf({ view: 'execution', id: ID, executionId: ARN })).not.toContain('execution:fmls');
  });

  it('names anything else not found, a malformed escape included', () => {
    for (const hash of ['#/nope', '#/streams', '#/streams/', `#/streams/${ID}/other/x`, `#/streams/${ID}/recordings/`, '#/streams/%E0%A4%A']) {
      expect(parseRoute(hash)).toEqual({ view: 'not-found', hash });
    }
  });
});
